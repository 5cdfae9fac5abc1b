import Foundation

/// Recognises strings that are code — SQL, shell commands, file paths, URLs, regular expressions, JSON
/// or markup — which are identity: one changed character is another statement, so they are compared
/// exactly (after whitespace normalisation), never embedded as prose.
public enum CodeDetector {
    /// For each keyword that opens an SQL statement, the words its statement must hold as well.
    static let sqlShapes: [String: [String]] = [
        "select": [" from "], "insert": [" into "], "update": [" set "], "delete": [" from "],
        "create": [" table ", " index ", " view ", " database ", " schema ", " function ", " trigger ", " role "],
        "drop": [" table ", " index ", " view ", " database ", " schema ", " function ", " trigger ", " role "],
        "alter": [" table ", " index ", " view ", " database ", " schema ", " role ", " user "],
        "truncate": [" table "], "with": [" as ("], "grant": [" on "], "revoke": [" on "],
    ]

    /// Common command-line programs that open a shell command.
    static let shellCommands: Set<String> = [
        "sudo", "rm", "cp", "mv", "ls", "cat", "grep", "sed", "awk", "find", "chmod", "chown", "curl", "wget",
        "git", "docker", "kubectl", "helm", "npm", "npx", "yarn", "pip", "python", "python3", "node", "make",
        "ssh", "scp", "rsync", "tar", "systemctl", "terraform", "aws", "gcloud", "az", "psql", "mysql", "echo",
        "mkdir", "touch", "kill", "ps", "cd", "export", "bash", "sh", "swift", "cargo", "go", "apt", "apt-get",
        "brew", "ln", "head", "tail", "xargs", "jq", "openssl", "crontab", "pg_dump", "redis-cli", "du", "df",
    ]

    /// Whether `text` reads as code rather than prose.
    ///
    /// Runs on every text field of every call and candidate, so it works on UTF-8 bytes: Foundation's
    /// substring search costs microseconds per call on Linux.
    public static func looksLikeCode(_ text: String) -> Bool {
        let trimmed = Substring(text).trimmingWhitespace
        guard !trimmed.isEmpty else { return false }
        let original = Array(trimmed.utf8)
        let loweredText = trimmed.lowercased()
        let lowered = Array(loweredText.utf8)
        let (first, wordCount) = firstWord(of: loweredText)
        func has(_ needle: String, in bytes: [UInt8]) -> Bool { bytes.contains(sequence: Array(needle.utf8)) }
        func starts(_ prefix: String) -> Bool { original.starts(with: prefix.utf8) }
        func ends(_ suffix: String) -> Bool { original.reversed().starts(with: suffix.utf8.reversed()) }
        if has("://", in: lowered) && wordCount == 1 { return true }
        if (starts("/") || starts("~/") || starts("./") || starts("../")) && wordCount == 1 { return true }
        if (starts("{") && ends("}")) || (starts("[") && ends("]")) { return true }
        if starts("<") && ends(">") && has("</", in: original) { return true }
        if starts("^") || ends("$") || has("\\d", in: original) || has("\\w", in: original)
            || has(".*", in: original) || has("\\s", in: original)
        {
            return true
        }
        // SQL: a statement keyword, the clause its statement needs, and either the keyword in capitals
        // or an operator — "select the photo from the album" is prose.
        if let clauses = sqlShapes[first], wordCount >= 3 {
            let padded = [UInt8(ascii: " ")] + lowered + [UInt8(ascii: " ")]
            let sqlish = starts(first.uppercased()) || original.contains { "=*(;'".utf8.contains($0) }
            if sqlish && clauses.contains(where: { has($0, in: padded) }) { return true }
        }
        if shellCommands.contains(first), wordCount >= 2 {
            if [" -", "|", " /", " ./", " ~/", "&&", "$", ">"].contains(where: { has($0, in: lowered) }) {
                return true
            }
        }
        return has("&&", in: lowered) || has(" | ", in: lowered) || lowered.starts(with: "$ ".utf8)
    }

    /// The first whitespace-separated word of `text` and how many words it has, counted up to 3 (the
    /// rules ask for one, two or three or more), without splitting a long text into all its words: this
    /// runs on every text field of every call.
    package static func firstWord(of text: String) -> (word: String, count: Int) {
        var first = String.UnicodeScalarView()
        var count = 0
        var inWord = false
        for scalar in text.unicodeScalars {
            if scalar.isUnicodeWhitespace {
                inWord = false
                continue
            }
            if !inWord {
                inWord = true
                count += 1
                if count == 3 { break }
            }
            if count == 1 { first.append(scalar) }
        }
        return (String(first), count)
    }
}

extension Substring {
    /// Without leading and trailing whitespace (Unicode's definition), without Foundation.
    var trimmingWhitespace: Substring {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.isUnicodeWhitespace }) else { return self[endIndex...] }
        let end = scalars.lastIndex(where: { !$0.isUnicodeWhitespace })!
        return self[start...end]
    }
}

extension Array where Element == UInt8 {
    /// Whether `needle` occurs in the bytes (a plain scan: the needles here are a few bytes long).
    func contains(sequence needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard needle.count <= count else { return false }
        let first = needle[0]
        var index = 0
        while index <= count - needle.count {
            if self[index] == first && self[index..<index + needle.count].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
