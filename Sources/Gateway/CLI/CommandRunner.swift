/// Exit statuses and error reporting shared by the commands.
enum CommandRunner {
    /// Runs `body`; an error is printed to standard error and becomes exit status 1.
    static func failing(_ body: () async throws -> Void) async -> Int32 {
        do {
            try await body()
            return CommandLineInterface.ExitStatus.success
        } catch {
            CommandLineInterface.printError("gateway: \(error)")
            return CommandLineInterface.ExitStatus.failure
        }
    }

    /// Reports a usage error (exit status 2).
    static func usage(_ message: String) -> Int32 {
        CommandLineInterface.printError("gateway: \(message)")
        return CommandLineInterface.ExitStatus.usage
    }
}
