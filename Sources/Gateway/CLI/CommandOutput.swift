import Foundation

/// Printing helpers shared by the commands: JSON objects, aligned tables, change logs.
enum CommandOutput {
    /// Prints `value` as one line of JSON.
    static func printJSON(_ value: JSONValue) {
        print(value.serialized())
    }

    /// Prints rows under a header, each column as wide as its widest cell.
    static func printTable(header: [String], rows: [[String]]) {
        let widths = header.indices.map { column in
            ([header] + rows).map { $0[column].count }.max() ?? 0
        }
        for row in [header] + rows {
            let cells = row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }
            print(cells.joined(separator: "  "))
        }
    }

    /// Records an administrative change in the gateway's log file: who, what, when (the log
    /// line's time). Never a secret: callers pass ids only.
    static func logChange(_ message: String, arguments: ParsedArguments) {
        let account = getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) } ?? "uid \(getuid())"
        let who = arguments.environment["SUDO_USER"].map { "\($0) via sudo" } ?? account
        let path = arguments.logFile
        guard !path.isEmpty,
            let sink = try? LogSink(minimumLevel: .info, format: .text, filePath: path, writesToConsole: false)
        else { return }
        Logger(name: "gateway.cli", sink: sink).info("\(message) (by \(who))")
        sink.flush()
    }
}
