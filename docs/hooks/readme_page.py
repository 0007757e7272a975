"""MkDocs hook: the README becomes the site's page `readme.md`, so that the site holds all of
its content without a second copy in docs/. Its links into docs/ are made site links; its
links to other files of the repository, which the site does not have, become their paths.
Pages link the README as `../README.md` (right on GitHub); on the site that is `readme.md`."""

import re
from pathlib import Path

from mkdocs.structure.files import File

README = Path(__file__).resolve().parents[2] / "README.md"
LINK = re.compile(r"\[([^\]]+)\]\(([^)#\s]+)(#[^)\s]*)?\)")


def site_markdown(text: str) -> str:
    def relink(match: re.Match) -> str:
        label, target, anchor = match.group(1), match.group(2), match.group(3) or ""
        if "://" in target:
            return match.group(0)
        if target.startswith("docs/"):
            return f"[{label}]({target.removeprefix('docs/')}{anchor})"
        return label if label.startswith("`") else f"{label} (`{target}`)"

    return LINK.sub(relink, text)


def on_files(files, config):
    files.append(
        File.generated(config, "readme.md", content=site_markdown(README.read_text("utf-8")))
    )
    return files


def on_page_markdown(markdown, page, config, files):
    return markdown.replace("](../README.md)", "](readme.md)")
