"""Go: import paths, package names and aliases, calls, methods, types."""

from __future__ import annotations

from .helpers import classify, reasons, region, symbols, zone

GO = """
package vault

import (
	"crypto/aes"
	c "crypto/cipher"
	"fmt"
	jwt "github.com/golang-jwt/jwt/v5"
	"golang.org/x/crypto/bcrypt"
	"strings"
)

type Sealer struct {
	key []byte
}

func (s *Sealer) Seal(nonce, plaintext []byte) ([]byte, error) {
	block, err := aes.NewCipher(s.key)
	if err != nil {
		return nil, err
	}
	gcm, err := c.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return gcm.Seal(nil, nonce, plaintext, nil), nil
}

func (s Sealer) AEAD() (c.AEAD, error) {
	return nil, nil
}

func Hash(p string) ([]byte, error) {
	return bcrypt.GenerateFromPassword([]byte(p), 12)
}

func Token(id string) *jwt.Token {
	return jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": id})
}

func Normalize(s string) string {
	return strings.TrimSpace(fmt.Sprint(s))
}
"""


def test_imports_by_path_prefix_and_package_name() -> None:
    result = classify(zone("crypto", imports=["crypto/aes", "crypto/cipher", "golang.org/x/crypto"]), "v.go", GO)
    assert symbols(result) == {"Sealer.Seal", "Hash"}  # `AEAD() (c.AEAD, error)`: a type is no use
    r = region(result, "crypto", "Sealer.Seal")
    assert (r.kind, r.start_line) == ("method", 16)
    assert reasons(result, "crypto", "Sealer.Seal") == ("import crypto/aes", "import crypto/cipher")


def test_versioned_module_path_binds_its_package_name() -> None:
    result = classify(zone("auth", imports=["github.com/golang-jwt/jwt"]), "v.go", GO)
    assert symbols(result) == {"Token"}
    plain = GO.replace('jwt "github.com/golang-jwt/jwt/v5"', '"github.com/golang-jwt/jwt/v5"')
    assert symbols(classify(zone("auth", imports=["github.com/golang-jwt/jwt"]), "v.go", plain)) == {"Token"}


def test_std_prefix_does_not_match_other_paths() -> None:
    result = classify(zone("crypto", imports=["crypto"]), "v.go", GO)
    assert symbols(result) == {"Sealer.Seal"}  # not golang.org/x/crypto/bcrypt


def test_calls_resolved_through_aliases() -> None:
    result = classify(
        zone("crypto", calls=["aes.NewCipher", "crypto/cipher.NewGCM", "bcrypt.GenerateFromPassword"]), "v.go", GO
    )
    assert symbols(result) == {"Sealer.Seal", "Hash"}
    assert reasons(result, "crypto", "Sealer.Seal") == ("call aes.NewCipher", "call crypto/cipher.NewGCM")


def test_dot_imports_mark_the_file_and_blank_imports_the_import() -> None:
    code = 'package p\n\nimport (\n\t_ "crypto/sha256"\n\t. "crypto/aes"\n)\n\nfunc F() {}\n'
    result = classify(zone("crypto", imports=["crypto/sha256", "crypto/aes"]), "p.go", code)
    # `.` brings unknown names into scope: the file; `_` only runs the package's init: the import
    assert symbols(result) == {None, "import ("}
    assert reasons(result, "crypto", None) == ("import crypto/aes",)
    assert reasons(result, "crypto", "import (") == ("import crypto/sha256",)


def test_symbols_on_functions_methods_and_types() -> None:
    result = classify(zone("c", symbols=["^(Seal|Sealer|Normalize)$"]), "v.go", GO)
    assert symbols(result) == {"Sealer", "Sealer.Seal", "Normalize"}
    assert region(result, "c", "Sealer").kind == "class"


def test_call_pattern_with_package_name_matches_through_an_alias() -> None:
    result = classify(zone("crypto", calls=["cipher.NewGCM"]), "v.go", GO)
    assert symbols(result) == {"Sealer.Seal"}  # written `c.NewGCM` (import c "crypto/cipher")
