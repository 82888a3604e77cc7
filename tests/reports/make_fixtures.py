"""Make the generated report fixtures: the PDFs (from HTML, with WeasyPrint) and the "complete" save.

Run it from the project's root after changing a source below, and commit what it writes:

    .venv/bin/python tests/reports/make_fixtures.py

Every word is our own; README.md (beside this file) says which published structure each mirrors.
The PDFs are made with fixed metadata so the same sources give the same bytes.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent

# -- one column: an older force inspection as a PDF, numbered recommendations -----------------------

PAGE_CSS = """
@page { size: A4; margin: 28mm 22mm 26mm 22mm;
  @top-center { content: string(running); font: 8pt "DejaVu Sans"; color: #444; }
  @bottom-center { content: counter(page); font: 8pt "DejaVu Sans"; }
  @footnote { border-top: 0.5pt solid black; padding-top: 2mm; }
}
@page :first { @top-center { content: none; } @bottom-center { content: none; } }
body { font: 10.5pt/1.45 "DejaVu Sans"; }
h1 { font-size: 22pt; string-set: running content(); margin: 40mm 0 8mm; }
h2 { font-size: 15pt; margin: 8mm 0 3mm; break-after: avoid; }
h3 { font-size: 12pt; margin: 5mm 0 2mm; break-after: avoid; }
p.label { font-weight: bold; margin: 4mm 0 1mm; break-after: avoid; }
.fn { float: footnote; font-size: 7.5pt; }
.fn::footnote-call { font-size: 6.5pt; vertical-align: super; }
.fn::footnote-marker { font-size: 7.5pt; }
.cover { break-after: page; }
.contents p { margin: 0; }
.spacer { height: var(--spacer); }
"""

ONE_COLUMN = """<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
<title>An inspection of Borsetshire Police's response to fraud</title><style>{css}</style></head><body>
<div class="cover">
<h1>An inspection of Borsetshire Police's response to fraud</h1>
<p>His Majesty's Inspectorate of Constabulary and Fire &amp; Rescue Services</p>
<p>Published: 14 November 2024</p>
</div>
<div class="contents" style="break-after: page">
<h2>Contents</h2>
<p>Summary 3</p><p>Cause of concern 3</p><p>Recommendations 4</p><p>Areas for improvement 5</p>
</div>
<h2>Summary</h2>
<p>Fraud is now the crime people in Borsetshire are most likely to suffer.<span class="fn">Figures are for the year
ending March 2024.</span> We found that the force has too few trained investigators, and that victims of fraud
are not always told what will happen to their report.</p>
<p>We found some good work too. The force's economic crime unit is well led, and officers we spoke to wanted to
help victims.</p>
<h2>Cause of concern</h2>
<p>The force does not give victims of fraud a consistent service, and it does not know how many investigations
it has open.</p>
<h3>Recommendations</h3>
<p>We recommend that within three months the force should:</p>
<ul>
<li>review every open fraud investigation and record who is responsible for it; and</li>
<li>make sure every victim of fraud is told whether their report will be investigated.</li>
</ul>
<h2>Recommendations</h2>
<p>These recommendations are in addition to those under the cause of concern.</p>
<p class="label">Recommendation 1</p>
<p>By 31 March 2025, the chief constable should make sure the force has enough trained fraud investigators
for the demand it faces.</p>
<p class="label">Recommendation 2</p>
<p>Within six months, the force should agree with the local council how it will protect people who are
repeatedly targeted by fraudsters.<span class="fn">The council runs a scheme for older people who are
targeted by post.</span></p>
<div class="spacer" style="--spacer: {spacer}mm"></div>
<p class="label">Recommendation 3</p>
<p>By 30 June 2025, the police and crime commissioner should commission a support service for victims of fraud
that gives every victim who needs it help within two working days, and should publish how well the service
does against that standard each quarter, so that the public can see whether victims are getting the help
they were promised and the force and the commissioner can act where they are not.</p>
<h2>Areas for improvement</h2>
<p class="label">Area for improvement 1</p>
<p>The force should make sure its call handlers give victims of fraud crime prevention advice.</p>
<p class="label">Area for improvement 2</p>
<p>The force needs to improve how it shares intelligence about fraud with neighbouring forces.</p>
<h2>About the data</h2>
<p>We used data the force gave us and data from the national fraud reporting centre. In some places the
figures do not add up because of rounding.</p>
</body></html>
"""

# -- two columns: a national thematic report, recommendations to several addressees -----------------

TWO_COLUMN_CSS = (
    PAGE_CSS
    + """
.columns { columns: 2; column-gap: 8mm; }
.columns h2 { margin-top: 0; }
"""
)

TWO_COLUMN = """<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
<title>Keeping pace: a thematic inspection of how the police investigate online fraud</title>
<style>{css}</style></head><body>
<div class="cover">
<h1>Keeping pace: a thematic inspection of how the police investigate online fraud</h1>
<p>His Majesty's Inspectorate of Constabulary and Fire &amp; Rescue Services</p>
<p>Published on: 20 May 2025</p>
<p>https://hmicfrs.justiceinspectorates.gov.uk/publications/keeping-pace-online-fraud/</p>
</div>
<div class="columns">
<h2>Foreword</h2>
<p>Online fraud has grown faster than any other crime. In this inspection we visited eight forces and spoke to
more than two hundred officers, staff and victims.<span class="fn">A list of the forces is in annex A.</span></p>
<p>{filler}</p>
<p style="margin-bottom: {gap}mm">{filler}</p>
<h2>Recommendations</h2>
<h3>Recommendation 1</h3>
<p>By 31 December 2025, chief constables should make sure every report of online fraud is assessed for
vulnerability within one working day.</p>
<h3>Recommendation 2</h3>
<p>Within six months, police and crime commissioners should review the support they fund for victims of
online fraud.</p>
<h3>Recommendation 3</h3>
<p>By 31 March 2026, the Home Office should:</p>
<ul>
<li>set out who is responsible for the national fraud reporting service; and</li>
<li>publish how it will measure that service.</li>
</ul>
<h3>Recommendation 4</h3>
<p>Chief constables should immediately make sure that officers who investigate online fraud can see the
intelligence held by the regional organised crime unit, so that no investigation is closed for want of a
lead that another part of policing already holds, and so that victims are told the truth about what can be
done for them.</p>
<h2>What we found</h2>
<p>{filler}</p>
<p>{filler}</p>
</div>
</body></html>
"""

FILLER = (
    "Forces told us that the number of reports keeps rising while the number of investigators stays the same. "
    "Many victims lose money they cannot afford to lose, and some are targeted again within weeks. The best "
    "forces we visited used data to find the victims most at risk and visited them first."
)


def _pdf(html: str, target: Path) -> None:
    from weasyprint import HTML

    data = HTML(string=html, base_url=str(HERE)).write_pdf()
    target.write_bytes(_fixed(data))


def _fixed(data: bytes) -> bytes:
    """The same bytes each run: the producer's dates and the file identifier fixed."""
    data = re.sub(rb"/CreationDate \(D:[^)]*\)", b"/CreationDate (D:20250101000000Z)", data)
    data = re.sub(rb"/ModDate \(D:[^)]*\)", b"/ModDate (D:20250101000000Z)", data)
    return data


def one_column(spacer_mm: int = 20) -> None:
    _pdf(ONE_COLUMN.format(css=PAGE_CSS, spacer=spacer_mm), HERE / "one-column-fraud.pdf")


def two_column(gap_mm: int = 30) -> None:
    _pdf(TWO_COLUMN.format(css=TWO_COLUMN_CSS, filler=FILLER, gap=gap_mm), HERE / "two-column-online-fraud.pdf")


def scanned() -> None:
    """A page as a scanner makes it: an image of text, no text in the PDF."""
    from PIL import Image, ImageDraw

    page = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(page)
    for row in range(30):
        draw.rectangle((120, 160 + row * 48, 1120 - (row % 4) * 90, 180 + row * 48), fill=40)
    out = io.BytesIO()
    page.save(out, "PDF", resolution=150.0)
    (HERE / "scanned-image-only.pdf").write_bytes(_fixed(out.getvalue()))


def encrypted() -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(HERE / "one-column-fraud.pdf"))
    writer.encrypt(user_password="borsetshire", owner_password="borsetshire-owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    (HERE / "encrypted.pdf").write_bytes(out.getvalue())


def damaged() -> None:
    """A download cut off part-way: the header is there, the rest is not."""
    data = (HERE / "one-column-fraud.pdf").read_bytes()
    (HERE / "damaged.pdf").write_bytes(data[:900] + b"\x00" * 64)


def five_hundred_pages() -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(500):
        writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    (HERE / "500-pages.pdf").write_bytes(out.getvalue())


def complete_save() -> None:
    """The PEEL page as a browser's "Save page as: complete" writes it: the address noted at the top,
    every script and style kept, links rewritten to a _files folder, the site's banners inline."""
    page = (HERE / "peel-2023-25-loamshire.html").read_text(encoding="utf-8")
    url = "https://hmicfrs.justiceinspectorates.gov.uk/peel-reports/loamshire-2023-25/"
    page = page.replace('<link rel="canonical" href="' + url + '">\n', "")
    page = page.replace("<!DOCTYPE html>\n", f"<!DOCTYPE html>\n<!-- saved from url=({len(url):04d}){url} -->\n")
    page = page.replace(
        '<link rel="stylesheet" href="/wp-content/themes/hmicfrs/style.css">',
        '<link rel="stylesheet" href="./PEEL 2023-25 Loamshire_files/style.css">\n'
        '<script src="./PEEL 2023-25 Loamshire_files/jquery.min.js"></script>\n'
        '<script src="./PEEL 2023-25 Loamshire_files/analytics.js" async></script>\n'
        "<style>.concern-box{border:2px solid #b00}</style>",
    )
    page = page.replace(
        '<body class="page-template-peel">',
        '<body class="page-template-peel js-enabled">\n'
        '<div id="cookie-consent-overlay" role="dialog" aria-label="Cookies on HMICFRS">'
        "<h2>Cookies on HMICFRS</h2><p>We recommend accepting analytics cookies so that we can improve the site."
        "</p></div>",
    )
    page = page.replace(
        "</body>",
        '<script>window.addEventListener("load", function () { document.body.classList.add("ready"); });</script>\n'
        "<noscript><p>Some parts of this page need JavaScript: you should turn it on.</p></noscript>\n</body>",
    )
    (HERE / "peel-2023-25-loamshire-complete.html").write_text(page, encoding="utf-8")


if __name__ == "__main__":
    one_column()
    two_column()
    scanned()
    encrypted()
    damaged()
    five_hundred_pages()
    complete_save()
