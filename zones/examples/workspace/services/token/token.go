package token

import (
	"crypto/aes"
	"crypto/cipher"
	"strings"
)

func Normalize(s string) string {
	return strings.TrimSpace(strings.ToLower(s))
}

func Seal(key, nonce, plaintext []byte) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return gcm.Seal(nil, nonce, plaintext, nil), nil
}
