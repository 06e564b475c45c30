"""preset:secrets on code that holds or moves a secret without a secret store: a field named for
one marks that field (not its class), a value read into or stored in a secret-named variable or
field marks the function doing it; flags, literals and look-alike names do not count."""

from __future__ import annotations

from pathlib import Path

from .test_regressions import classifier, zoned

# Eclipse Jetty 9.4.57 (Apache-2.0), jetty-security/.../JDBCLoginService.java (abridged)
JETTY_JDBC = """
package org.eclipse.jetty.security;

public class JDBCLoginService extends AbstractLoginService {
    protected String _url;
    protected String _userName;
    protected String _password;
    private boolean _hasPassword;

    protected void doStart() throws Exception {
        Properties properties = new Properties();
        _url = properties.getProperty("url");
        _userName = properties.getProperty("username");
        _password = properties.getProperty("password");
        super.doStart();
    }

    public String getConfig() { return _config; }

    public void reset() { _password = null; }
}
"""


def test_java_secret_field_and_the_method_loading_it(tmp_path: Path) -> None:
    found = zoned(classifier(tmp_path, "secrets"), "JDBCLoginService.java", JETTY_JDBC, "secrets")
    # the field and the method that loads it; a flag, a getter and clearing it to null do not count
    assert found == {"JDBCLoginService._password", "JDBCLoginService.doStart"}


# Syncthing 1.19.2 (MPL-2.0), lib/config/guiconfiguration.go (abridged)
SYNCTHING_GUI = """
package config

import "golang.org/x/crypto/bcrypt"

func (c *GUIConfiguration) HashAndSetPassword(password string) error {
    hash, err := bcrypt.GenerateFromPassword([]byte(password), 0)
    if err != nil {
        return err
    }
    c.Password = string(hash)
    return nil
}

func (c *GUIConfiguration) prepare() {
    if c.APIKey == "" {
        c.APIKey = String(32)
    }
}

func (c GUIConfiguration) Address() string {
    c.RawAddress = "127.0.0.1:8384"
    return c.RawAddress
}
"""


def test_go_storing_a_password_hash_or_an_api_key(tmp_path: Path) -> None:
    found = zoned(classifier(tmp_path, "secrets"), "guiconfiguration.go", SYNCTHING_GUI, "secrets")
    assert found == {"GUIConfiguration.HashAndSetPassword", "GUIConfiguration.prepare"}


def test_python_class_attribute_is_a_member_and_literals_are_left_to_the_hardcoded_rule(tmp_path: Path) -> None:
    code = """
    import graphene

    class AccountRegisterInput(graphene.InputObjectType):
        email = graphene.String(required=True)
        password = graphene.String(required=True)

    class Mailer:
        def __init__(self, host, smtp_password):
            self.host = host
            self.smtp_password = smtp_password

        def send(self, msg):
            return self.host

    def defaults():
        api_key = None
        show_password = load_flag()
        return api_key, show_password
    """
    found = zoned(classifier(tmp_path, "secrets"), "forms.py", code, "secrets")
    assert found == {"AccountRegisterInput.password", "Mailer.__init__"}


def test_typescript_field_and_assignment(tmp_path: Path) -> None:
    code = """
    export class Client {
        private apiKey: string;
        private baseUrl = "https://api.example.com";
        constructor(key: string) { this.apiKey = key; }
        url() { return this.baseUrl; }
    }
    """
    found = zoned(classifier(tmp_path, "secrets"), "client.ts", code, "secrets")
    assert found == {"Client.apiKey", "Client.constructor"}
