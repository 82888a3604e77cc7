"""Reading HMICFRS reports: a saved web page or a PDF -> the items a response must answer.

`html.py` and `pdf.py` each turn a file into a `Document` (metadata and a flat list of
blocks: headings, paragraphs, list items, table rows) with the page's furniture left out;
`items.py` reads the report's structure from those blocks (recommendations, areas for
improvement, causes of concern, graded judgements, due phrases); `draft.py` writes the
draft spec an officer starts from. Nothing here touches the network or runs the page.
"""
