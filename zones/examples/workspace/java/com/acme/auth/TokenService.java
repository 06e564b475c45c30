package com.acme.auth;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

public class TokenService {
    public String describe() {
        return "token service";
    }

    @PreAuthorize("hasRole('ADMIN')")
    public byte[] encrypt(byte[] key, byte[] data) throws Exception {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
        return cipher.doFinal(data);
    }
}
