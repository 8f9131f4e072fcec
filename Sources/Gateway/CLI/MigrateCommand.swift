import Storage

/// `gateway migrate`: applies pending schema migrations and exits.
enum MigrateCommand {
    static let options = ConfigurationOption.serveOptions.filter { $0.flag == "--db" }

    static func run(_ arguments: [String], environment: [String: String]) async -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") {
            print(
                """
                Usage: gateway migrate [--db PATH]

                Brings the database schema up to date; running it again changes nothing.

                Options:
                \(CommandLineInterface.optionsHelp(options))
                """)
            return CommandLineInterface.ExitStatus.success
        }
        let configuration: GatewayConfiguration
        do {
            configuration = try ConfigurationLoader.load(
                environment: environment, arguments: arguments, options: options)
        } catch {
            CommandLineInterface.printError("gateway migrate: \(error)")
            return CommandLineInterface.ExitStatus.usage
        }
        do {
            let applied = try SQLiteEventStore.migrate(path: configuration.databasePath)
            print("Applied \(applied) migration(s); schema version \(SQLiteMigrations.latestVersion)")
            return CommandLineInterface.ExitStatus.success
        } catch {
            CommandLineInterface.printError("gateway migrate: cannot migrate \(configuration.databasePath): \(error)")
            return CommandLineInterface.ExitStatus.failure
        }
    }
}
