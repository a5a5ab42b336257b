"""implan-docs: an implementation plan in an Excel workbook -> a Word document with charts, and back.

Pipeline: workbook -> plan model -> schedule -> sections -> charts -> document.
"""
__version__ = "0.1.0"

__all__ = ["__version__", "build"]


def build(*args, **kwargs):
    """Build the plan document; see :func:`implan_docs.build.build_plan`."""
    from .build import build_plan

    return build_plan(*args, **kwargs)
