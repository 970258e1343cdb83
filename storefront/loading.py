"""Oscar class loader that looks in this project's forked apps first.

Oscar's default loader always imports ``oscar.apps.<label>.<module>`` before the
local fork. For ``search`` that module imports haystack, which this project
does not use. Trying the local module first keeps haystack out of the process;
Oscar's module is only imported when the fork lacks one of the classes.
"""

from oscar.core.loading import (
    _find_registered_app_name,
    _import_module,
    default_class_loader,
)


def local_first_class_loader(module_label, classnames, module_prefix):
    app_name = _find_registered_app_name(module_label)
    if not app_name.startswith(f"{module_prefix}."):
        local_label = ".".join(app_name.split(".") + module_label.split(".")[1:])
        local_module = _import_module(local_label, classnames)
        if local_module is not None and all(hasattr(local_module, n) for n in classnames):
            return [getattr(local_module, n) for n in classnames]
    return default_class_loader(module_label, classnames, module_prefix)
