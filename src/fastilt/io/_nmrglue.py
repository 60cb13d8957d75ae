"""nmrglue, the optional dependency of the Bruker TopSpin and Tecmag readers (``fastilt[io]``)."""


def nmrglue(path, what):
    try:
        import nmrglue
    except ImportError:
        raise ImportError(f"reading {path} ({what}) needs nmrglue: pip install 'fastilt[io]'") from None
    return nmrglue
