import Foundation

/// The `gateway` executable's commands. Parsing is ours (no ArgumentParser here): each
/// command is a `CommandSpec` table entry, so usage errors and `--help` behave the same
/// everywhere.
///
/// Exit status: 0 success, 1 failure, 2 usage error (message on standard error).
enum CommandLineInterface {
    enum ExitStatus {
        static let success: Int32 = 0
        static let failure: Int32 = 1
        static let usage: Int32 = 2
    }

    /// Every command but `serve`, whose options come from the configuration table.
    static let commands: [CommandSpec] =
        KeysCommand.specs + AdminTokensCommand.specs + AuditCommand.specs
        + [EventsCommand.spec, SignCommand.spec, SendCommand.spec, MigrateCommand.spec]

    static var help: String {
        let entries =
            [("serve", "Run the webhook server (gateway serve --help lists its options).")]
            + commands.map { ($0.path.joined(separator: " "), $0.summary) }
        let width = (entries.map(\.0.count).max() ?? 0) + 2
        let lines = entries.map { "  " + $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + $0.1 }
        return """
            gateway \(GatewayVersion.current): idempotent, signed-webhook gateway for appointment events

            Usage: gateway <command> [arguments] [options]

            Commands:
            \(lines.joined(separator: "\n"))

            Every command takes --keys PATH (WEBHOOK_KEYS_PATH) and --db PATH (WEBHOOK_DB_PATH).
            Run 'gateway <command> --help' for a command's options.
            """
    }

    static func run(_ arguments: [String], environment: [String: String]) async -> Int32 {
        guard let first = arguments.first else {
            printError(help)
            return ExitStatus.usage
        }
        switch first {
        case "--help", "-h", "help":
            print(help)
            return ExitStatus.success
        case "--version":
            print(GatewayVersion.current)
            return ExitStatus.success
        case "serve":
            return await ServeCommand.run(Array(arguments.dropFirst()), environment: environment)
        default:
            break
        }
        // The longest command path that the words start with: `audit summary` before `audit`.
        let matches = commands.filter { arguments.starts(with: $0.path) }
        guard let command = matches.max(by: { $0.path.count < $1.path.count }) else {
            let group = commands.filter { $0.path.first == first }
            guard !group.isEmpty else {
                printError("gateway: unknown command '\(first)'\n\n\(help)")
                return ExitStatus.usage
            }
            let listing = group.map { "  gateway " + $0.path.joined(separator: " ") + ": " + $0.summary }
            let text = "Commands of 'gateway \(first)':\n" + listing.joined(separator: "\n")
            if arguments.contains("--help") || arguments.contains("-h") {
                print(text)
                return ExitStatus.success
            }
            let unknown =
                arguments.count > 1 ? "unknown command 'gateway \(first) \(arguments[1])'" : "missing subcommand"
            printError("gateway: \(unknown)\n\n\(text)")
            return ExitStatus.usage
        }
        let words = Array(arguments.dropFirst(command.path.count))
        if words.contains("--help") || words.contains("-h") {
            print(command.help)
            return ExitStatus.success
        }
        do {
            return await command.run(try command.parse(words, environment: environment))
        } catch {
            printError("gateway \(command.path.joined(separator: " ")): \(error)\n\nUsage: \(command.usage)")
            return ExitStatus.usage
        }
    }

    /// Writes `message` and a newline to standard error.
    static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    /// The help text listing `options`, for a command's `--help`.
    static func optionsHelp(_ options: [ConfigurationOption]) -> String {
        options.map { option in
            let flag = option.isSwitch ? option.flag : "\(option.flag) \(option.valueName)"
            let variable = option.environmentVariable.map { " [\($0)]" } ?? ""
            return "  \(flag.padding(toLength: 32, withPad: " ", startingAt: 0)) \(option.help)\(variable)"
        }.joined(separator: "\n")
    }
}
