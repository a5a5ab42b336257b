"""The .docx wing: the only code that reads or writes Word files (python-docx, zip, XML).

guard        refuses what python-docx must not be handed, then opens it
oxml         raw WordprocessingML helpers (the layer under the assembler, like python-docx's own oxml)
template     the template contract: placeholders, styles, external references removed
assemble     blocks + template -> .docx, in user-level steps
comments     reading reviewed copies: comments, replies, resolved state, tracked changes
review_copy  the reviewer's copy and the one-page reviewer guide
pdf          .docx -> PDF through LibreOffice (``uno_convert`` runs inside LibreOffice's Python)
"""
