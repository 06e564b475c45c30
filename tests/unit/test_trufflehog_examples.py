"""`benchmarks/trufflehog_examples.py`: a detector's pattern-test table becomes labelled cases.

The source below has the shape of trufflehog's `<name>_test.go` files (a `validPattern` constant,
`fmt.Sprintf`, a `[]struct{name, input, want}` table and `FromData(ctx, false, ...)`); the
values are made up here.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from trufflehog_examples import _case, cases_of

SOURCE = '''
package acme

var (
	validPattern   = "acme_Zq81LmW0pX3nB7vT2kR9sD4f"
	invalidPattern = "acme_short"
	keyword        = "acme"
)

func TestAcme_Pattern(t *testing.T) {
	d := Scanner{}
	tests := []struct {
		name  string
		input string
		want  []string
	}{
		{
			name:  "valid pattern",
			input: fmt.Sprintf("%s token = '%s'", keyword, validPattern),
			want:  []string{validPattern},
		},
		{
			name:  "valid pattern - key out of prefix range",
			input: fmt.Sprintf("%s keyword is not close to the real key in the data = '%s'", keyword, validPattern),
			want:  nil,
		},
		{
			name:  "invalid pattern",
			input: fmt.Sprintf("%s = '%s'", keyword, invalidPattern),
			want:  []string{},
		},
	}
	for _, test := range tests {
		results, _ := d.FromData(context.Background(), false, []byte(test.input))
		_ = results
	}
}

func TestAcme_FromData(t *testing.T) {
	// needs live credentials: not a pattern test, never read
	tests := []struct{ name string }{{name: "live"}}
	_ = tests
}
'''


def test_a_pattern_table_becomes_positive_context_and_invalid_cases() -> None:
    elements, problems = cases_of("pkg/detectors/acme/acme_test.go", SOURCE)
    assert problems == []
    cases = [_case("acme", el) for el in elements]
    assert [(c.name, c.positive, c.negative_kind) for c in cases if c] == [
        ("valid pattern", True, ""),
        ("valid pattern - key out of prefix range", False, "context"),
        ("invalid pattern", False, "invalid"),
    ]
    first = cases[0]
    assert first is not None
    assert first.text == "acme token = 'acme_Zq81LmW0pX3nB7vT2kR9sD4f'"
    assert first.wants == ("acme_Zq81LmW0pX3nB7vT2kR9sD4f",)
    assert len(first.key) == 16 and first.key not in first.text  # an id that holds no secret
