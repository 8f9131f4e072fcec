import Storage

/// `gateway migrate`: applies pending schema migrations and exits.
enum MigrateCommand {
    static let spec = CommandSpec(
        path: ["migrate"], summary: "Bring the database schema up to date; running it again changes nothing.",
        arguments: [], options: [], run: run)

    private static func run(_ arguments: ParsedArguments) async -> Int32 {
        await CommandRunner.failing {
            let applied = try SQLiteEventStore.migrate(path: arguments.databasePath)
            print("Applied \(applied) migration(s); schema version \(SQLiteMigrations.latestVersion)")
        }
    }
}
