import { ConfigReader } from "../reader";
import { CertificateSettings } from "../settings";

/** Validity windows, and the generations that force a rotation. */
export function readCertificates(reader: ConfigReader): CertificateSettings {
    const caValidityHours = reader.integer("caValidityHours", 24, 175200);
    const validityHours = reader.integer("certValidityHours", 24, 87600);
    const earlyRenewalHours = reader.integer("certEarlyRenewalHours", 0, 87600);
    if (validityHours > caValidityHours) {
        reader.report(
            "certValidityHours",
            String(validityHours),
            `at most caValidityHours (${caValidityHours}): a certificate cannot outlive its CA`,
        );
    }
    if (earlyRenewalHours >= validityHours) {
        reader.report(
            "certEarlyRenewalHours",
            String(earlyRenewalHours),
            `less than certValidityHours (${validityHours}), or every run would renew the certificates`,
        );
    }
    const generations = {
        ca: reader.integer("caGeneration", 1, 1_000_000),
        server: reader.integer("serverCertGeneration", 1, 1_000_000),
        client: reader.integer("clientCertGeneration", 1, 1_000_000),
    };
    return { caValidityHours, validityHours, earlyRenewalHours, generations };
}
