"""Resolve a docstring's short names to the public name the API reference documents.

The API pages document an object once, under the name a user imports
(``fastilt.estimate_noise``, ``fastilt.Diagnosis``), while the docstrings of the
modules that define it refer to it by its short name (:func:`estimate_noise` in
``fastilt.quality.noise``), which Sphinx looks up in the defining module and
misses.  When Sphinx finds no target, this handler takes the documented object
whose full name ends in the short name (or, for an attribute, in the class of
the docstring and the name), leaving out the aliases autodoc registers for an
object's defining module; it links only when exactly one object matches, so
a name it cannot tell apart stays unresolved and ``-n`` reports it.
"""

def _candidates(objects, node):
    target = node["reftarget"].lstrip(".~")
    suffixes = ["." + target]
    if node.get("py:class"):  # an attribute or method named from its own class
        suffixes.insert(0, f".{node['py:class']}.{target}")
    for suffix in suffixes:
        found = [name for name, entry in objects.items()
                 if name.startswith("fastilt.") and name.endswith(suffix) and not entry.aliased]
        if found:
            return found
    return []


def resolve_short_name(app, env, node, contnode):
    if node.get("refdomain") != "py":
        return None
    domain = env.get_domain("py")
    found = _candidates(domain.objects, node)
    if len(found) != 1:
        return None
    return domain.resolve_xref(env, node["refdoc"], app.builder, node["reftype"], found[0], node, contnode)


def setup(app):
    app.connect("missing-reference", resolve_short_name)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
