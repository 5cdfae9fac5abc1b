import ArgumentParser

/// `dedup`: ask whether a tool call repeats one already taken, and remember outcomes.
@main
struct Dedup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dedup",
        abstract: "Stop AI agents from executing the same side-effecting tool call twice.",
        discussion: """
            Claim a call before executing it, complete it afterwards; a retry — even a reworded one — gets the
            stored result instead of a second execution. Everything runs against a local SQLite ledger
            (./dedup.sqlite unless --db says otherwise).
            """,
        subcommands: [
            ClaimCommand.self, CheckCommand.self, CompleteCommand.self, HistoryCommand.self, PruneCommand.self,
            ServeCommand.self, KeysCommand.self, ReplayCommand.self, ModelCommand.self, BenchCommand.self,
            CrashWriterCommand.self, MCPProxyCommand.self,
            SeedCommand.self,
        ]
    )
}
