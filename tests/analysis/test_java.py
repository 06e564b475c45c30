"""Java: imports (single, wildcard, static), annotations, method invocations, constructors."""

from __future__ import annotations

from .helpers import classify, reasons, region, symbols, zone

JAVA = """
package com.acme.auth;

import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.security.access.prepost.PreAuthorize;

public class TokenService {
    private final List<String> audit = List.of();

    public String describe() {
        return "token service";
    }

    @PreAuthorize("hasRole('ADMIN')")
    public byte[] encrypt(byte[] key, byte[] data) throws Exception {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
        return cipher.doFinal(data);
    }

    static class Keys {
        SecretKeySpec spec(byte[] k) { return new SecretKeySpec(k, "AES"); }
    }
}
"""


def test_import_of_a_class_is_matched_by_its_package() -> None:
    result = classify(zone("crypto", imports=["javax.crypto"]), "T.java", JAVA)
    assert symbols(result) == {"TokenService.encrypt", "TokenService.Keys.spec"}
    r = region(result, "crypto", "TokenService.encrypt")
    assert (r.kind, r.start_line, r.end_line) == ("method", 15, 20)  # annotation included


def test_import_pattern_naming_the_class() -> None:
    result = classify(zone("crypto", imports=["javax.crypto.Cipher"]), "T.java", JAVA)
    assert symbols(result) == {"TokenService.encrypt"}


def test_wildcard_import() -> None:
    code = JAVA.replace("import javax.crypto.Cipher;\nimport javax.crypto.spec.SecretKeySpec;\n", "import javax.crypto.*;\n")
    # the package itself: no way to know which names it provides, so the file
    assert symbols(classify(zone("crypto", imports=["javax.crypto"]), "T.java", code)) == {None}
    # a class of the package: its uses
    assert symbols(classify(zone("crypto", imports=["javax.crypto.Cipher"]), "T.java", code)) == {"TokenService.encrypt"}


def test_calls_with_and_without_package() -> None:
    result = classify(zone("crypto", calls=["Cipher.getInstance"]), "T.java", JAVA)
    assert symbols(result) == {"TokenService.encrypt"}
    result = classify(zone("crypto", calls=["javax.crypto.Cipher.getInstance"]), "T.java", JAVA)
    assert symbols(result) == {"TokenService.encrypt"}
    fq = "class A { void f() { javax.crypto.Cipher.getInstance(\"AES\"); } void g() { x.getInstance(); } }\n"
    assert symbols(classify(zone("crypto", calls=["Cipher.getInstance"]), "A.java", fq)) == {"A.f"}


def test_constructor_calls() -> None:
    result = classify(zone("crypto", calls=["SecretKeySpec"]), "T.java", JAVA)
    assert symbols(result) == {"TokenService.encrypt", "TokenService.Keys.spec"}


def test_annotations() -> None:
    result = classify(zone("auth", decorators=["PreAuthorize", "Secured"]), "T.java", JAVA)
    assert symbols(result) == {"TokenService.encrypt"}
    assert reasons(result, "auth", "TokenService.encrypt") == ("decorator PreAuthorize",)
    fq = """
    @org.springframework.security.access.annotation.Secured("ROLE_X")
    class Admin {
        @Secured("ROLE_Y") private String field;
        void ok() {}
    }
    """
    result = classify(zone("auth", decorators=["Secured"]), "A.java", fq)
    assert symbols(result) == {"Admin"}


def test_static_import() -> None:
    code = "import static javax.crypto.Cipher.getInstance;\nclass A { void f() { getInstance(\"AES\"); } void g() {} }\n"
    assert symbols(classify(zone("crypto", imports=["javax.crypto"]), "A.java", code)) == {"A.f"}
    assert symbols(classify(zone("crypto", calls=["Cipher.getInstance"]), "A.java", code)) == {"A.f"}


def test_symbols() -> None:
    result = classify(zone("c", symbols=["(?i)^(encrypt|keys)$"]), "T.java", JAVA)
    assert symbols(result) == {"TokenService.encrypt", "TokenService.Keys"}
    assert region(result, "c", "TokenService.Keys").kind == "class"


def test_a_type_annotation_in_the_heritage_does_not_hide_it() -> None:
    # found in review (2026-12-01): `implements @Deprecated HostnameVerifier` put a trust-all
    # verifier in no zone at all
    code = """
    import javax.net.ssl.HostnameVerifier;

    class AllowAll implements @Deprecated HostnameVerifier {
        public boolean verify(String host, SSLSession session) {
            return true;
        }
    }
    """
    result = classify(zone("crypto", imports=["javax.net.ssl"]), "AllowAll.java", code)
    assert (region(result, "crypto", "AllowAll").start_line, region(result, "crypto", "AllowAll").end_line) == (3, 7)


def test_a_fully_qualified_name_without_an_import_counts() -> None:
    # found in review (2026-12-01): no import, so no zone at all
    code = """
    class AllowAll implements javax.net.ssl.HostnameVerifier {
        private javax.net.ssl.SSLContext unused;
        private final String property = "javax.net.ssl.trustStore";

        public boolean verify(String host, javax.net.ssl.SSLSession session) {
            return true;
        }
    }

    class Keys {
        Object cipher() throws Exception {
            return javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
        }

        Object spec(byte[] k) {
            return new javax.crypto.spec.SecretKeySpec(k, "AES");
        }

        String name() {
            return "Keys";
        }
    }
    """
    result = classify(zone("crypto", imports=["javax.net.ssl", "javax.crypto"]), "AllowAll.java", code)
    assert symbols(result, "crypto") == {"AllowAll", "Keys.cipher", "Keys.spec"}
    assert reasons(result, "crypto", "Keys.cipher") == ("import javax.crypto (written out)",)
