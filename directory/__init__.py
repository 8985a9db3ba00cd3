"""The SCP supply-demand directory: listings in YAML, validated, rendered to a static site.

Pipeline, one module per step: `load` (strict YAML) -> `validate` (models and
cross-listing checks) -> `render` (Markdown pages) -> `index` (lunr search index)
-> `export` (open data) -> `site` (mkdocs-material build, atomic). `cli` ties them
together for `build.py`.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the repository: mkdocs.yml, site_templates/, node_modules/
