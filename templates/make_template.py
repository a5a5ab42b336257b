"""Write templates/plan.docx, the default plan template, from the XML below (deterministic).

Run: ``.venv/bin/python templates/make_template.py`` (then commit both files). The package is written
part by part rather than by editing python-docx's default document, which carries a Mac thumbnail,
customXml and some 150 table styles a corporate template does not want. Everything a user may restyle
in Word (fonts, colours, margins, header, footer, title page) lives in ordinary styles and parts; the
placeholders are plain text, see docs/template.md.
"""
from __future__ import annotations

import sys
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
OUT = HERE / "plan.docx"

# -- look -------------------------------------------------------------------------------------------
FONT = "Calibri"  # LibreOffice renders it with the metric-compatible Carlito (fonts-crosextra-carlito)
EA_FONT = "Microsoft JhengHei"  # 微軟正黑體: on every Windows/Office install in Taiwan
EA_FONT_ALT = "微軟正黑體"
DARK = "1F3864"  # headings, table header
ACCENT = "2E74B5"
TEXT = "262626"
GREY = "595959"
RULE = "A6B4CC"

# A4 portrait, 2.2 cm side margins: text width 9412 twips (16.6 cm)
PAGE_W, PAGE_H = 11906, 16838
MARGIN_LR, MARGIN_T, MARGIN_B = 1247, 1304, 1247
TEXT_W = PAGE_W - 2 * MARGIN_LR

NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def fonts(ea: bool = True) -> str:
    return (f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}"'
            + (f' w:eastAsia="{EA_FONT}"' if ea else "") + "/>")


def rpr(size: float | None = None, bold: bool = False, italic: bool = False, color: str = "", caps: bool = False) -> str:
    parts = [fonts()]
    if bold:
        parts += ["<w:b/>", "<w:bCs/>"]
    if italic:
        parts += ["<w:i/>", "<w:iCs/>"]
    if caps:
        parts.append("<w:caps/>")
    if color:
        parts.append(f'<w:color w:val="{color}"/>')
    if size:
        hp = int(round(size * 2))
        parts += [f'<w:sz w:val="{hp}"/>', f'<w:szCs w:val="{hp}"/>']
    return "<w:rPr>" + "".join(parts) + "</w:rPr>"


def pstyle(sid: str, name: str, ppr: str = "", rp: str = "", based: str = "Normal", nxt: str = "",
           extra: str = "") -> str:
    return (f'<w:style w:type="paragraph" w:styleId="{sid}"><w:name w:val="{name}"/>'
            + (f'<w:basedOn w:val="{based}"/>' if based else "")
            + (f'<w:next w:val="{nxt}"/>' if nxt else "")
            + extra + '<w:qFormat/>'
            + (f"<w:pPr>{ppr}</w:pPr>" if ppr else "") + (rp or f"<w:rPr>{fonts()}</w:rPr>") + "</w:style>")


def spacing(before: int = 0, after: int = 0, line: int | None = None) -> str:
    s = f'<w:spacing w:before="{before}" w:after="{after}"'
    if line:
        s += f' w:line="{line}" w:lineRule="auto"'
    return s + "/>"


def border(side: str, color: str, sz: int = 6, space: int = 4) -> str:
    return f'<w:{side} w:val="single" w:sz="{sz}" w:space="{space}" w:color="{color}"/>'


def styles_xml() -> str:
    heading_common = "<w:keepNext/><w:keepLines/>"
    s = [
        DECL, f"<w:styles {NS}>",
        "<w:docDefaults><w:rPrDefault><w:rPr>", fonts(),
        f'<w:color w:val="{TEXT}"/><w:sz w:val="21"/><w:szCs w:val="21"/><w:lang w:val="en-US" w:eastAsia="zh-TW" w:bidi="ar-SA"/>',
        "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>", spacing(0, 120, 264),
        "</w:pPr></w:pPrDefault></w:docDefaults>",
        # Normal and the default character, table and list styles
        f'<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
        f'<w:pPr><w:kinsoku/><w:overflowPunct/><w:autoSpaceDE/><w:autoSpaceDN/></w:pPr>'
        f'{rpr()}</w:style>',
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
        '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
        '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>',
        '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
        # title page
        pstyle("Title", "Title", spacing(0, 200, 240), rpr(30, bold=True, color=DARK), nxt="Normal"),
        pstyle("Subtitle", "Subtitle", spacing(0, 120), rpr(13, bold=True, color=ACCENT, caps=True), nxt="Normal"),
        # numbered headings (numbering 1 links them: 1, 1.1, 1.1.1)
        pstyle("Heading1", "heading 1",
               heading_common + '<w:pageBreakBefore/><w:numPr><w:numId w:val="1"/></w:numPr>'
               "<w:pBdr>" + border("bottom", DARK, 8, 4) + "</w:pBdr>" + spacing(0, 240)
               + '<w:outlineLvl w:val="0"/>', rpr(17, bold=True, color=DARK), nxt="Normal"),
        pstyle("Heading2", "heading 2",
               heading_common + '<w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr>' + spacing(320, 120)
               + '<w:outlineLvl w:val="1"/>', rpr(13, bold=True, color=DARK), nxt="Normal"),
        pstyle("Heading3", "heading 3",
               heading_common + '<w:numPr><w:ilvl w:val="2"/><w:numId w:val="1"/></w:numPr>' + spacing(240, 80)
               + '<w:outlineLvl w:val="2"/>', rpr(11, bold=True, color=ACCENT), nxt="Normal"),
        # front matter: headings that are not numbered and not in the table of contents
        pstyle("TOCHeading", "TOC Heading", "<w:keepNext/>" + spacing(0, 240),
               rpr(17, bold=True, color=DARK), nxt="Normal"),
        pstyle("TOC1", "toc 1", '<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="%d"/></w:tabs>' % TEXT_W
               + spacing(100, 20, 240) + '<w:ind w:left="567" w:hanging="567"/>', rpr(bold=True, color=TEXT),
               nxt="Normal", extra='<w:uiPriority w:val="39"/><w:unhideWhenUsed/>'),
        pstyle("TOC2", "toc 2", '<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="%d"/></w:tabs>' % TEXT_W
               + spacing(0, 20, 240) + '<w:ind w:left="1247" w:hanging="680"/>', "",
               nxt="Normal", extra='<w:uiPriority w:val="39"/><w:unhideWhenUsed/>'),
        pstyle("TOC3", "toc 3", '<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="%d"/></w:tabs>' % TEXT_W
               + spacing(0, 20, 240) + '<w:ind w:left="2098" w:hanging="851"/>', rpr(size=10),
               nxt="Normal", extra='<w:uiPriority w:val="39"/><w:unhideWhenUsed/>'),
        pstyle("TableofFigures", "table of figures",
               '<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="%d"/></w:tabs>' % TEXT_W + spacing(0, 40, 240), "",
               nxt="Normal", extra='<w:uiPriority w:val="99"/><w:unhideWhenUsed/>'),
        # body
        pstyle("Caption", "caption", spacing(120, 120), rpr(9.5, bold=True, color=DARK), nxt="Normal",
               extra='<w:uiPriority w:val="35"/><w:unhideWhenUsed/>'),
        pstyle("TableText", "Table Text", spacing(30, 30, 240), rpr(9)),
        pstyle("ListBullet", "List Bullet", '<w:numPr><w:numId w:val="2"/></w:numPr>' + spacing(0, 60)
               + '<w:ind w:left="360" w:hanging="360"/><w:contextualSpacing/>', "",
               extra='<w:uiPriority w:val="99"/><w:unhideWhenUsed/>'),
        pstyle("ListNumber", "List Number", '<w:numPr><w:numId w:val="3"/></w:numPr>' + spacing(0, 60)
               + '<w:ind w:left="360" w:hanging="360"/><w:contextualSpacing/>', "",
               extra='<w:uiPriority w:val="99"/><w:unhideWhenUsed/>'),
        pstyle("Quote", "Quote", "<w:pBdr>" + border("left", ACCENT, 18, 8) + "</w:pBdr>"
               + '<w:shd w:val="clear" w:color="auto" w:fill="EEF2F8"/>' + spacing(120, 200)
               + '<w:ind w:left="227" w:right="113"/>', rpr(color=DARK), nxt="Normal"),
        pstyle("Small", "Small Print", spacing(120, 60), rpr(8.5, color=GREY)),
        pstyle("Header", "header", "<w:pBdr>" + border("bottom", RULE, 4, 4) + "</w:pBdr>"
               + '<w:tabs><w:tab w:val="right" w:pos="%d"/></w:tabs>' % TEXT_W + spacing(0, 0),
               rpr(8.5, color=GREY), extra='<w:uiPriority w:val="99"/><w:unhideWhenUsed/>'),
        pstyle("Footer", "footer", "<w:pBdr>" + border("top", RULE, 4, 4) + "</w:pBdr>"
               + '<w:tabs><w:tab w:val="right" w:pos="%d"/></w:tabs>' % TEXT_W + spacing(0, 0),
               rpr(8.5, color=GREY), extra='<w:uiPriority w:val="99"/><w:unhideWhenUsed/>'),
        # the table style: dark header row (repeated on each page by the assembler), light banding
        '<w:style w:type="table" w:styleId="PlanTable"><w:name w:val="Plan Table"/><w:basedOn w:val="TableNormal"/>'
        '<w:uiPriority w:val="59"/><w:qFormat/>'
        f'<w:pPr>{spacing(30, 30, 240)}</w:pPr>{rpr(9)}'
        '<w:tblPr><w:tblStyleRowBandSize w:val="1"/><w:tblStyleColBandSize w:val="1"/>'
        "<w:tblBorders>" + border("top", DARK, 8, 0) + border("bottom", DARK, 8, 0)
        + border("insideH", "C9D3E3", 4, 0) + "</w:tblBorders>"
        '<w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
        '<w:bottom w:w="28" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr>'
        '<w:tcPr><w:vAlign w:val="top"/></w:tcPr>'
        f'<w:tblStylePr w:type="firstRow"><w:pPr><w:keepNext/></w:pPr>{rpr(bold=True, color="FFFFFF")}'
        '<w:trPr><w:tblHeader/></w:trPr>'
        f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{DARK}"/><w:vAlign w:val="bottom"/></w:tcPr></w:tblStylePr>'
        f'<w:tblStylePr w:type="firstCol">{rpr(bold=True, color=DARK)}</w:tblStylePr>'
        '<w:tblStylePr w:type="band1Horz"><w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="F2F5FA"/></w:tcPr></w:tblStylePr>'
        "</w:style>",
        "</w:styles>",
    ]
    return "".join(s)


def numbering_xml() -> str:
    def lvl(i: int, fmt: str, text: str, left: int, hanging: int, style: str = "", font: str = "") -> str:
        return (f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                + (f'<w:pStyle w:val="{style}"/>' if style else "")
                + f'<w:lvlText w:val="{escape(text)}"/><w:lvlJc w:val="left"/>'
                f'<w:pPr><w:ind w:left="{left}" w:hanging="{hanging}"/></w:pPr>'
                + (f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}"/></w:rPr>' if font else "") + "</w:lvl>")

    headings = "".join([
        lvl(0, "decimal", "%1", 482, 482, "Heading1"),
        lvl(1, "decimal", "%1.%2", 624, 624, "Heading2"),
        lvl(2, "decimal", "%1.%2.%3", 737, 737, "Heading3"),
    ])
    bullets = lvl(0, "bullet", "\u2022", 360, 360, font=FONT) + lvl(1, "bullet", "\u2013", 720, 360, font=FONT)
    numbers = lvl(0, "decimal", "%1.", 360, 360) + lvl(1, "lowerLetter", "%2)", 720, 360)
    return (DECL + f"<w:numbering {NS}>"
            f'<w:abstractNum w:abstractNumId="0"><w:nsid w:val="5A1D0001"/><w:multiLevelType w:val="multilevel"/>{headings}</w:abstractNum>'
            f'<w:abstractNum w:abstractNumId="1"><w:nsid w:val="5A1D0002"/><w:multiLevelType w:val="hybridMultilevel"/>{bullets}</w:abstractNum>'
            f'<w:abstractNum w:abstractNumId="2"><w:nsid w:val="5A1D0003"/><w:multiLevelType w:val="hybridMultilevel"/>{numbers}</w:abstractNum>'
            '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
            '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
            '<w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num>'
            "</w:numbering>")


# Characters that may not start / end a line in Traditional Chinese (shared with the assembler).
sys.path.insert(0, str(HERE.parent))
from implan_docs.docx.oxml import NO_BREAK_AFTER, NO_BREAK_BEFORE  # noqa: E402
from implan_docs.fileio import zip_bytes  # noqa: E402


def settings_xml() -> str:
    return (DECL + f"<w:settings {NS}>"
            '<w:zoom w:percent="100"/><w:defaultTabStop w:val="720"/>'
            '<w:characterSpacingControl w:val="compressPunctuation"/>'
            f'<w:noLineBreaksAfter w:lang="zh-TW" w:val="{escape(NO_BREAK_AFTER)}"/>'
            f'<w:noLineBreaksBefore w:lang="zh-TW" w:val="{escape(NO_BREAK_BEFORE)}"/>'
            '<w:compat><w:useFELayout/><w:compatSetting w:name="compatibilityMode" '
            'w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
            '<w:themeFontLang w:val="en-US" w:eastAsia="zh-TW"/>'
            '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/>'
            "</w:settings>")


def font_table_xml() -> str:
    return (DECL + f"<w:fonts {NS}>"
            f'<w:font w:name="{FONT}"><w:panose1 w:val="020F0502020204030204"/><w:charset w:val="00"/>'
            '<w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font>'
            f'<w:font w:name="{EA_FONT}"><w:altName w:val="{EA_FONT_ALT}"/><w:panose1 w:val="020B0604030504040204"/>'
            '<w:charset w:val="88"/><w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font>'
            "</w:fonts>")


# -- body -------------------------------------------------------------------------------------------
def run(text: str, props: str = "") -> str:
    return f'<w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def para(text: str = "", style: str = "", ppr: str = "", runs: str = "") -> str:
    p = f'<w:pStyle w:val="{style}"/>' if style else ""
    inner = runs or (run(text) if text else "")
    return f"<w:p><w:pPr>{p}{ppr}</w:pPr>{inner}</w:p>"


def field_paras(instr: str, note: str, style: str) -> str:
    """A TOC field whose result is a note until the assembler writes the entries."""
    return (f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>'
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> {escape(instr)} </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            f"{run(note)}"
            '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')


def details_table(rows: list[tuple[str, str]], first_w: int) -> str:
    """A two-column key/value table in the Plan Table style (first column emphasised, no header)."""
    out = ['<w:tbl><w:tblPr><w:tblStyle w:val="PlanTable"/>'
           f'<w:tblW w:w="{TEXT_W}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
           '<w:tblLook w:val="0680" w:firstRow="0" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
           'w:noHBand="1" w:noVBand="1"/></w:tblPr>'
           f'<w:tblGrid><w:gridCol w:w="{first_w}"/><w:gridCol w:w="{TEXT_W - first_w}"/></w:tblGrid>']
    for label, value in rows:
        out.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        for text, w in ((label, first_w), (value, TEXT_W - first_w)):
            out.append(f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>'
                       f'{para(text, "TableText", spacing(60, 60))}</w:tc>')
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


SECTIONS = ("summary", "overview", "objectives", "scope", "deliverables", "schedule", "risks", "roles",
            "resources", "changes", "appendix")


def document_xml() -> str:
    pb = "<w:pageBreakBefore/>"
    title_rows = [
        ("{{t:document.label.code}}", "{{project.code}}"),
        ("{{t:document.label.version}}", "{{project.version}}"),
        ("{{t:document.label.status}}", "{{project.status}}"),
        ("{{t:document.label.date}}", "{{document.date}}"),
        ("{{t:document.label.manager}}", "{{project.manager}}"),
        ("{{t:document.label.sponsor}}", "{{project.sponsor}}"),
        ("{{t:document.label.confidentiality}}", "{{project.confidentiality}}"),
    ]
    control_rows = [
        ("{{t:document.label.name}}", "{{project.name}}"),
        ("{{t:document.label.version}}", "{{project.version}}"),
        ("{{t:document.label.status}}", "{{project.status}}"),
        ("{{t:document.label.date}}", "{{document.date}}"),
        ("{{t:document.label.prepared_by}}", "{{project.manager}}"),
        ("{{t:document.label.sponsor}}", "{{project.sponsor}}"),
        ("{{t:document.label.open_comments}}", "{{review.open_comments}}"),
    ]
    body = [
        # title page: no header or footer (titlePg with empty first-page parts)
        para(ppr=spacing(3400, 0)),
        para("{{t:document.title}}", "Subtitle"),
        para("{{project.name}}", "Title"),
        para(ppr="<w:pBdr>" + border("bottom", ACCENT, 12, 1) + "</w:pBdr>" + spacing(0, 720)),
        details_table(title_rows, 3118),
        # document control
        para("{{t:document.control}}", "TOCHeading", pb),
        details_table(control_rows, 3118),
        para("{{t:document.control_note}}", "Small"),
        # table of contents and the lists of figures and tables
        para("{{t:document.contents}}", "TOCHeading", pb),
        field_paras('TOC \\o "1-3" \\h \\z \\u', "{{t:document.toc_empty}}", "TOC1"),
        para("{{t:document.list_of_figures}}", "TOCHeading", pb),
        field_paras('TOC \\h \\z \\c "Figure"', "{{t:document.no_figures}}", "TableofFigures"),
        para("{{t:document.list_of_tables}}", "TOCHeading", spacing(480, 240)),
        field_paras('TOC \\h \\z \\c "Table"', "{{t:document.no_tables}}", "TableofFigures"),
    ]
    body += [para("{{section:%s}}" % name) for name in SECTIONS]
    sect = ('<w:sectPr>'
            '<w:headerReference w:type="default" r:id="rId10"/><w:footerReference w:type="default" r:id="rId11"/>'
            '<w:headerReference w:type="first" r:id="rId12"/><w:footerReference w:type="first" r:id="rId13"/>'
            f'<w:pgSz w:w="{PAGE_W}" w:h="{PAGE_H}"/>'
            f'<w:pgMar w:top="{MARGIN_T}" w:right="{MARGIN_LR}" w:bottom="{MARGIN_B}" w:left="{MARGIN_LR}" '
            'w:header="567" w:footer="567" w:gutter="0"/><w:cols w:space="720"/><w:titlePg/>'
            '<w:docGrid w:linePitch="360"/></w:sectPr>')
    return DECL + f"<w:document {NS}><w:body>" + "".join(body) + sect + "</w:body></w:document>"


def header_xml(kind: str) -> str:
    tag = "hdr" if kind == "header" else "ftr"
    if kind == "header":
        p = para(style="Header", runs=run("{{project.name}}") + "<w:r><w:tab/></w:r>"
                 + run("{{t:document.title}} \u00b7 {{t:document.label.version}} {{project.version}}"))
    elif kind == "footer":
        p = para(style="Footer", runs=run("{{project.confidentiality}}") + "<w:r><w:tab/></w:r>"
                 + run("{{t:document.page_of}}"))
    else:  # the empty first-page header/footer of the title page
        p = '<w:p><w:pPr><w:spacing w:after="0"/></w:pPr></w:p>'
    return DECL + f"<w:{tag} {NS}>{p}</w:{tag}>"


CT = "application/vnd.openxmlformats-officedocument.wordprocessingml"


def content_types() -> str:
    over = [
        ("/word/document.xml", f"{CT}.document.main+xml"),
        ("/word/styles.xml", f"{CT}.styles+xml"),
        ("/word/numbering.xml", f"{CT}.numbering+xml"),
        ("/word/settings.xml", f"{CT}.settings+xml"),
        ("/word/fontTable.xml", f"{CT}.fontTable+xml"),
        ("/word/header1.xml", f"{CT}.header+xml"),
        ("/word/footer1.xml", f"{CT}.footer+xml"),
        ("/word/header2.xml", f"{CT}.header+xml"),
        ("/word/footer2.xml", f"{CT}.footer+xml"),
        ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
        ("/docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml"),
    ]
    return (DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="png" ContentType="image/png"/>'
            + "".join(f'<Override PartName="{n}" ContentType="{t}"/>' for n, t in over) + "</Types>")


REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def rels(items: list[tuple[str, str, str]]) -> str:
    return (DECL + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="{i}" Type="{t}" Target="{g}"/>' for i, t, g in items)
            + "</Relationships>")


def core_xml() -> str:
    return (DECL + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            "<dc:title>Implementation plan template</dc:title><dc:creator>implan-docs</dc:creator>"
            "<cp:lastModifiedBy>implan-docs</cp:lastModifiedBy><cp:revision>1</cp:revision>"
            '<dcterms:created xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:created>'
            '<dcterms:modified xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:modified>'
            "</cp:coreProperties>")


def app_xml() -> str:
    return (DECL + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<Application>implan-docs</Application><DocSecurity>0</DocSecurity></Properties>")


def parts() -> list[tuple[str, str]]:
    return [
        ("[Content_Types].xml", content_types()),
        ("_rels/.rels", rels([
            ("rId1", f"{REL}/officeDocument", "word/document.xml"),
            ("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
             "docProps/core.xml"),
            ("rId3", f"{REL}/extended-properties", "docProps/app.xml"),
        ])),
        ("docProps/app.xml", app_xml()),
        ("docProps/core.xml", core_xml()),
        ("word/document.xml", document_xml()),
        ("word/_rels/document.xml.rels", rels([
            ("rId1", f"{REL}/styles", "styles.xml"),
            ("rId2", f"{REL}/numbering", "numbering.xml"),
            ("rId3", f"{REL}/settings", "settings.xml"),
            ("rId4", f"{REL}/fontTable", "fontTable.xml"),
            ("rId10", f"{REL}/header", "header1.xml"),
            ("rId11", f"{REL}/footer", "footer1.xml"),
            ("rId12", f"{REL}/header", "header2.xml"),
            ("rId13", f"{REL}/footer", "footer2.xml"),
        ])),
        ("word/styles.xml", styles_xml()),
        ("word/numbering.xml", numbering_xml()),
        ("word/settings.xml", settings_xml()),
        ("word/fontTable.xml", font_table_xml()),
        ("word/header1.xml", header_xml("header")),
        ("word/footer1.xml", header_xml("footer")),
        ("word/header2.xml", header_xml("empty")),
        ("word/footer2.xml", header_xml("empty")),
    ]


def build(out: Path = OUT) -> Path:
    out.write_bytes(zip_bytes((name, text.encode("utf-8")) for name, text in parts()))
    return out


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
