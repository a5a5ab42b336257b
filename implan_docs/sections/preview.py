"""Show a fragment in Jupyter (JupyterLab users see the section as they edit the notebook)."""
from __future__ import annotations

import html

from .. import blocks as b


class Preview:
    def __init__(self, fragment: b.Fragment):
        self.fragment = fragment

    def _repr_html_(self) -> str:
        return "\n".join(_html(block) for block in self.fragment.blocks)

    def __repr__(self) -> str:
        return f"<section {self.fragment.section}: {len(self.fragment.blocks)} blocks>"


def preview(fragment: b.Fragment) -> Preview:
    return Preview(fragment)


def _html(block) -> str:
    e = html.escape
    if isinstance(block, b.Heading):
        return f"<h{block.level + 1}>{e(block.text)}</h{block.level + 1}>"
    if isinstance(block, b.Paragraph):
        return f"<p>{e(block.text or ''.join(r.text for r in block.runs))}</p>"
    if isinstance(block, b.Bullets):
        return "<ul>" + "".join(f"<li>{e(i)}</li>" for i in block.items) + "</ul>"
    if isinstance(block, b.Figure):
        # linked, not embedded: executed notebooks of large plans stay small
        return f'<figure><img src="{e(block.path)}" alt="{e(block.alt)}" style="max-width:100%"><figcaption>{e(block.caption)}</figcaption></figure>'
    if isinstance(block, b.Table):
        head = "".join(f"<th>{e(c)}</th>" for c in block.columns)
        rows = block.rows[:50]
        body = "".join("<tr>" + "".join(
            f'<td style="background:#{c.fill}">{e(c.text)}</td>' if c.fill else f"<td>{e(c.text)}</td>" for c in row)
            + "</tr>" for row in rows)
        more = f"<p>… {len(block.rows) - 50} more rows</p>" if len(block.rows) > 50 else ""
        return f"<p><b>{e(block.caption)}</b></p><table><tr>{head}</tr>{body}</table>{more}"
    return ""
