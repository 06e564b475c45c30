"""Hover Markdown: names and reasons from the repository cannot break out of their code spans."""

from __future__ import annotations

from pavedroad.analysis.model import Region
from pavedroad.config.model import EffectiveConfig, Zone
from pavedroad.lsp.render import code_span, hover_markdown


def test_code_span_fence_is_longer_than_any_backtick_run() -> None:
    assert code_span("verify_token") == "`verify_token`"
    assert code_span("a `b` c") == "``a `b` c``"
    assert code_span("x ``` y") == "````x ``` y````"
    assert code_span("`start") == "`` `start ``"
    assert code_span("bell\x07") == "`bell\\x07`"


def test_hover_keeps_a_hostile_statement_name_inside_its_span() -> None:
    # a JS top-level statement is named by its first line: repository text
    symbol = 'app.use(`x` + "[click](https://evil.example)")'
    region = Region(zone="auth", start_line=1, end_line=1, start_byte=0, end_byte=10, symbol=symbol,
                    reasons=("import **/auth",), kind="statement")
    config = EffectiveConfig(root="/nonexistent", zones=(Zone(id="auth"),))
    markdown = hover_markdown(config, [region])
    assert markdown is not None
    assert '``app.use(`x` + "[click](https://evil.example)")``' in markdown


def test_hover_keeps_a_hostile_config_path_inside_its_span() -> None:
    # a nested config's label is its path, and the directory name is repository text
    label = "pkg/`x`[click](https://evil.example)/.pavedroad.yaml"
    region = Region(zone="auth", start_line=1, end_line=1, start_byte=0, end_byte=10, symbol="verify",
                    reasons=("symbol verify",), kind="function")
    zone = Zone(id="auth", origin=label, set_by=(("ai", "central.yaml"),))
    markdown = hover_markdown(EffectiveConfig(root="/nonexistent", zones=(zone,)), [region])
    assert markdown is not None
    assert f"defined by ``{label}``" in markdown
    assert "`ai` set by `central.yaml`" in markdown
