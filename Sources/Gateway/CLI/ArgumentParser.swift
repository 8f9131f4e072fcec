/// A command's options and positional arguments, declared as data so parsing, validation and
/// `--help` come from one table.
struct CommandSpec: Sendable {
    /// One `--name` option: a switch, or one that takes a value.
    struct Option: Sendable {
        let name: String
        let valueName: String?
        let help: String

        static func flag(_ name: String, _ help: String) -> Option { Option(name: name, valueName: nil, help: help) }

        static func value(_ name: String, _ valueName: String, _ help: String) -> Option {
            Option(name: name, valueName: valueName, help: help)
        }
    }

    /// The words that invoke it, e.g. `["keys", "rotate"]`.
    let path: [String]
    let summary: String
    /// Positional argument names, in order, e.g. `["CLIENT", "KEY_ID"]`.
    let arguments: [String]
    /// The command's own options followed by `--keys` and `--db`, which every command takes.
    let options: [Option]
    let run: @Sendable (ParsedArguments) async -> Int32

    init(
        path: [String], summary: String, arguments: [String], options: [Option],
        run: @escaping @Sendable (ParsedArguments) async -> Int32
    ) {
        self.path = path
        self.summary = summary
        self.arguments = arguments
        self.options = options + Option.common
        self.run = run
    }

    var usage: String {
        let flags = options.map { "[\($0.name)\($0.valueName.map { " \($0)" } ?? "")]" }
        return (["gateway"] + path + arguments + flags).joined(separator: " ")
    }

    var help: String {
        let width = (options.map { $0.name.count + ($0.valueName?.count ?? -1) + 1 }.max() ?? 0) + 2
        let lines = options.map { option in
            let name = option.name + (option.valueName.map { " \($0)" } ?? "")
            return "  " + name.padding(toLength: width, withPad: " ", startingAt: 0) + option.help
        }
        return "Usage: \(usage)\n\n\(summary)\n"
            + (lines.isEmpty ? "" : "\nOptions:\n" + lines.joined(separator: "\n") + "\n")
    }

    /// Parses `words` (after the command's path); `--name=value` and `--name value` both work,
    /// anywhere among the positional arguments.
    func parse(_ words: [String], environment: [String: String]) throws(UsageError) -> ParsedArguments {
        var values: [String: String] = [:]
        var switches: Set<String> = []
        var positionals: [String] = []
        var remaining = words[...]
        while let word = remaining.popFirst() {
            guard word.hasPrefix("--"), word.count > 2 else {
                positionals.append(word)
                continue
            }
            let (name, inline) = Self.split(word)
            guard let option = options.first(where: { $0.name == name }) else {
                throw UsageError("unknown option \(name)")
            }
            if option.valueName == nil {
                guard inline == nil else { throw UsageError("\(name) takes no value") }
                switches.insert(name)
            } else if let value = inline ?? remaining.popFirst() {
                values[name] = value
            } else {
                throw UsageError("\(name) needs a value (\(option.valueName ?? ""))")
            }
        }
        guard positionals.count >= arguments.count else {
            throw UsageError("missing \(arguments[positionals.count])")
        }
        guard positionals.count == arguments.count else {
            throw UsageError("unexpected argument \(positionals[arguments.count])")
        }
        return ParsedArguments(values: values, switches: switches, positionals: positionals, environment: environment)
    }

    private static func split(_ word: String) -> (String, String?) {
        guard let equals = word.firstIndex(of: "=") else { return (word, nil) }
        return (String(word[..<equals]), String(word[word.index(after: equals)...]))
    }
}

/// A command line that does not fit the command's declaration (exit status 2).
struct UsageError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}

/// What a command was given.
struct ParsedArguments: Sendable {
    let values: [String: String]
    let switches: Set<String>
    let positionals: [String]
    let environment: [String: String]

    subscript(option: String) -> String? { values[option] }

    func has(_ flag: String) -> Bool { switches.contains(flag) }

    /// `--keys` or else `WEBHOOK_KEYS_PATH` or else the default.
    var keysPath: String { values["--keys"] ?? environment["WEBHOOK_KEYS_PATH"] ?? GatewayConfiguration().keysPath }

    /// `--db` or else `WEBHOOK_DB_PATH` or else the default.
    var databasePath: String { values["--db"] ?? environment["WEBHOOK_DB_PATH"] ?? GatewayConfiguration().databasePath }

    /// `--log-file` or else `WEBHOOK_LOG_FILE` or else the default, for commands that log changes.
    var logFile: String { environment["WEBHOOK_LOG_FILE"] ?? GatewayConfiguration().logFile }
}

extension CommandSpec.Option {
    /// Options every command accepts, so paths can follow the command name anywhere.
    static let common: [CommandSpec.Option] = [
        .value("--keys", "PATH", "keys file (WEBHOOK_KEYS_PATH, ./keys.json)"),
        .value("--db", "PATH", "SQLite database (WEBHOOK_DB_PATH, ./data/appointments.db)"),
    ]
}
