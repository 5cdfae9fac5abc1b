public import DedupCore
public import PostgresNIO

/// How connections to PostgreSQL use TLS: the `sslmode` of the database URL, with libpq's names and meanings,
/// so a URL that works with `psql` means the same thing here.
///
/// The default is `disable` (a loopback or private-network server); across any network you do not control
/// use `verify-full` with the server's CA in `sslrootcert`.
public enum PostgresTLSMode: String, Sendable, CaseIterable {
    /// Plain TCP.
    case disable
    /// TLS when the server offers it, plain TCP otherwise; the certificate is not checked.
    case prefer
    /// TLS or no connection. The certificate is not checked — unless `sslrootcert` names a CA file, in which
    /// case its chain is (as libpq does): encryption against eavesdroppers, not against an impostor.
    case require
    /// TLS with a certificate chained to the trusted CAs; the host name is not compared.
    case verifyCA = "verify-ca"
    /// TLS with a certificate chained to the trusted CAs and issued for the host (name or IP address) of
    /// the URL.
    case verifyFull = "verify-full"

    /// The mode named `text`, or an error listing the accepted names.
    public static func parse(_ text: String) throws(DedupError) -> Self {
        guard let mode = Self(rawValue: text) else {
            let accepted = allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalidInput("the database URL's sslmode \"\(text)\" is not one of \(accepted)")
        }
        return mode
    }

    /// postgres-nio's TLS setting for this mode. `rootCertificates` are the CAs of `sslrootcert`; `nil`
    /// trusts the system's CAs.
    public func tls(rootCertificates: [NIOSSLCertificate]?) -> PostgresClient.Configuration.TLS {
        guard let configuration = tlsConfiguration(rootCertificates: rootCertificates) else { return .disable }
        return self == .prefer ? .prefer(configuration) : .require(configuration)
    }

    /// The TLS client configuration of this mode (`nil` for `disable`): which certificates are trusted and
    /// how much of the server's certificate is checked.
    public func tlsConfiguration(rootCertificates: [NIOSSLCertificate]?) -> TLSConfiguration? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let rootCertificates { configuration.trustRoots = .certificates(rootCertificates) }
        switch self {
        case .disable: return nil
        case .prefer: configuration.certificateVerification = .none
        case .require: configuration.certificateVerification = rootCertificates == nil ? .none : .noHostnameVerification
        case .verifyCA: configuration.certificateVerification = .noHostnameVerification
        case .verifyFull: configuration.certificateVerification = .fullVerification
        }
        return configuration
    }

    /// Whether the server's certificate is checked at all: `sslrootcert` is pointless otherwise.
    var checksCertificates: Bool { self == .require || self == .verifyCA || self == .verifyFull }
}
