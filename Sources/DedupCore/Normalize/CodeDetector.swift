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
    public static func looksLikeCode(_ text: String) -> Bool {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return false }
        let lowered = trimmed.lowercased()
        let words = lowered.split(whereSeparator: { $0.isWhitespace })
        let first = words.first.map(String.init) ?? ""
        if lowered.contains("://") && words.count == 1 { return true }
        if (trimmed.hasPrefix("/") || trimmed.hasPrefix("~/") || trimmed.hasPrefix("./") || trimmed.hasPrefix("../"))
            && words.count == 1
        {
            return true
        }
        if (trimmed.hasPrefix("{") && trimmed.hasSuffix("}")) || (trimmed.hasPrefix("[") && trimmed.hasSuffix("]")) {
            return true
        }
        if trimmed.hasPrefix("<") && trimmed.hasSuffix(">") && trimmed.contains("</") { return true }
        if trimmed.hasPrefix("^") || trimmed.hasSuffix("$") || trimmed.contains("\\d") || trimmed.contains("\\w")
            || trimmed.contains(".*") || trimmed.contains("\\s")
        {
            return true
        }
        // SQL: a statement keyword, the clause its statement needs, and either the keyword in capitals
        // or an operator — "select the photo from the album" is prose.
        if let clauses = sqlShapes[first], words.count >= 3 {
            let padded = " " + lowered + " "
            let sqlish = trimmed.hasPrefix(first.uppercased()) || trimmed.contains { "=*(;'".contains($0) }
            if sqlish && clauses.contains(where: { padded.contains($0) }) { return true }
        }
        if shellCommands.contains(first), words.count >= 2 {
            if lowered.contains(" -") || lowered.contains("|") || lowered.contains(" /") || lowered.contains(" ./")
                || lowered.contains(" ~/") || lowered.contains("&&") || lowered.contains("$") || lowered.contains(">")
            {
                return true
            }
        }
        return lowered.contains("&&") || lowered.contains(" | ") || lowered.hasPrefix("$ ")
    }
}
