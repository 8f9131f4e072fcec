import Foundation

/// The `gateway` executable's commands. Parsing is ours (no ArgumentParser here): each
/// command gets the arguments after its name and returns the process exit status.
///
/// Exit status: 0 success, 1 failure, 2 usage error (message on standard error).
enum CommandLineInterface {
    enum ExitStatus {
        static let success: Int32 = 0
        static let failure: Int32 = 1
        static let usage: Int32 = 2
    }

    /// A command name, a one-line summary, and what runs it.
    struct Command: Sendable {
        let name: String
        let summary: String
        let run: @Sendable ([String], [String: String]) async -> Int32
    }

    static let commands: [Command] = [
        Command(name: "serve", summary: "run the webhook server", run: ServeCommand.run),
        Command(name: "migrate", summary: "bring the database schema up to date", run: MigrateCommand.run),
    ]

    static var help: String {
        let width = (commands.map(\.name.count).max() ?? 0) + 2
        let lines = commands.map { "  " + $0.name.padding(toLength: width, withPad: " ", startingAt: 0) + $0.summary }
        return """
            gateway \(GatewayVersion.current): idempotent, signed-webhook gateway for appointment events

            Usage: gateway <command> [options]

            Commands:
            \(lines.joined(separator: "\n"))

            Run 'gateway <command> --help' for a command's options.
            """
    }

    static func run(_ arguments: [String], environment: [String: String]) async -> Int32 {
        guard let name = arguments.first else {
            printError(help)
            return ExitStatus.usage
        }
        switch name {
        case "--help", "-h", "help":
            print(help)
            return ExitStatus.success
        case "--version":
            print(GatewayVersion.current)
            return ExitStatus.success
        default:
            guard let command = commands.first(where: { $0.name == name }) else {
                printError("gateway: unknown command '\(name)'\n\n\(help)")
                return ExitStatus.usage
            }
            return await command.run(Array(arguments.dropFirst()), environment)
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
