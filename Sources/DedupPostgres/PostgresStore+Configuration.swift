public import DedupCore
import Foundation
public import PostgresNIO

extension PostgresStore {
    /// The query parameters a database URL may carry, with libpq's names: `sslmode` (see
    /// ``PostgresTLSMode``) and `sslrootcert` (a PEM file of the CA certificates to trust).
    public static let urlParameters: [String] = ["sslmode", "sslrootcert"]

    /// Pool configuration from a `postgres://user[:password]@host[:port]/database[?sslmode=…&sslrootcert=…]`
    /// URL. An unknown parameter is an error rather than ignored: a mistyped `sslmode` must not quietly
    /// connect in plain text.
    public static func configuration(url text: String) throws(DedupError) -> PostgresClient.Configuration {
        guard let url = URLComponents(string: text), url.scheme == "postgres" || url.scheme == "postgresql",
            let host = url.host, !host.isEmpty, let user = url.user, !user.isEmpty
        else {
            throw .invalidInput("the database URL must look like postgres://user[:password]@host[:port]/database")
        }
        var parameters: [String: String] = [:]
        for item in url.queryItems ?? [] {
            guard urlParameters.contains(item.name) else {
                throw .invalidInput(
                    "the database URL has an unknown parameter \"\(item.name)\" (accepted: "
                        + urlParameters.joined(separator: ", ") + ")"
                )
            }
            parameters[item.name] = item.value ?? ""
        }
        let mode = try parameters["sslmode"].map { text throws(DedupError) in try PostgresTLSMode.parse(text) }
        if parameters["sslrootcert"] != nil, !(mode?.checksCertificates ?? false) {
            throw .invalidInput("the database URL's sslrootcert needs sslmode=verify-full (or verify-ca, require)")
        }
        let roots = try parameters["sslrootcert"].map { path throws(DedupError) in try certificates(inFile: path) }
        let database = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        var configuration = PostgresClient.Configuration(
            host: host,
            port: url.port ?? 5432,
            username: user,
            password: url.password,
            database: database.isEmpty ? nil : database,
            tls: (mode ?? .disable).tls(rootCertificates: roots)
        )
        configuration.options.connectTimeout = .seconds(3)
        configuration.options.maximumConnections = 16
        return configuration
    }

    /// The certificates of a PEM file, or an error naming the file.
    private static func certificates(inFile path: String) throws(DedupError) -> [NIOSSLCertificate] {
        guard !path.isEmpty, FileManager.default.isReadableFile(atPath: path) else {
            throw .invalidInput("the database URL's sslrootcert \"\(path)\" is not a readable file")
        }
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw .invalidInput("the database URL's sslrootcert \"\(path)\" holds no PEM certificate (\(error))")
        }
        guard !certificates.isEmpty else {
            throw .invalidInput("the database URL's sslrootcert \"\(path)\" holds no PEM certificate")
        }
        return certificates
    }
}
