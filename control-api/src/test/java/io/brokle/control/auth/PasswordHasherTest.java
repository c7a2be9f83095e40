package io.brokle.control.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    private static final PasswordHasher.Parameters CHEAP = new PasswordHasher.Parameters(64, 1, 1);

    @Test
    void hashesAreSaltedPhcStringsThatVerifyOnlyTheirPassword() {
        PasswordHasher hasher = new PasswordHasher(CHEAP, new SecureRandom());

        String one = hasher.hash("correct horse battery");
        String two = hasher.hash("correct horse battery");

        assertTrue(one.matches("\\$argon2id\\$v=19\\$m=64,t=1,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"), one);
        assertNotEquals(one, two, "a fresh salt each time");
        assertTrue(hasher.verify("correct horse battery", one));
        assertTrue(hasher.verify("correct horse battery", two));
        assertFalse(hasher.verify("correct horse batterY", one));
        assertFalse(hasher.verify("", one));
    }

    @Test
    void matchesTheArgon2idReferenceVector() {
        // From the reference implementation's CLI (P-H-C/phc-winner-argon2), also in argon2-cffi's
        // known hashes: echo -n password | argon2 somesalt -id -t 2 -m 16 -p 4 -l 32 -e
        String reference = "$argon2id$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$GpZ3sK/oH9p7VIiV56G/64Zo/8GaUw434IimaPqxwCo";
        PasswordHasher hasher = new PasswordHasher(CHEAP, new SecureRandom());

        assertTrue(hasher.verify("password", reference));
        assertFalse(hasher.verify("passw0rd", reference));
    }

    @Test
    void olderParametersStillVerifyAndAskForARehash() {
        String old = new PasswordHasher(CHEAP, new SecureRandom()).hash("a long passphrase");
        PasswordHasher stronger = new PasswordHasher(new PasswordHasher.Parameters(128, 2, 1), new SecureRandom());

        assertTrue(stronger.verify("a long passphrase", old));
        assertTrue(stronger.needsRehash(old));
        assertFalse(stronger.needsRehash(stronger.hash("a long passphrase")));
    }

    @Test
    void unreadableHashesAndTheDummyNeverVerify() {
        PasswordHasher hasher = new PasswordHasher(CHEAP, new SecureRandom());
        for (String bad : new String[] {null, "", "plaintext", "$argon2i$v=19$m=64,t=1,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
                "$argon2id$v=19$m=1,t=1,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"}) {
            assertFalse(hasher.verify("anything", bad), String.valueOf(bad));
        }
        assertFalse(hasher.verifyDummy("not a password anyone has"));
        assertEquals("PasswordHasher[argon2id Parameters[memoryKib=64, iterations=1, parallelism=1]]", hasher.toString());
        assertThrows(IllegalArgumentException.class, () -> new PasswordHasher.Parameters(4, 1, 1));
    }
}
