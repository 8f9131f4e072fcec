import Foundation
import FoundationNetworking

/// `gateway send`: signs FILE and posts it, printing the status and body (exit 0 on 2xx).
enum SendCommand {
    static let spec = CommandSpec(
        path: ["send"], summary: "Sign FILE (Standard Webhooks) and POST it as application/json.", arguments: ["FILE"],
        options: [
            .value("--url", "URL", "the ingest URL, e.g. http://127.0.0.1:8000/webhook/appointment (required)"),
            .value("--api-key", "KEY", "the client's API key (required)"),
            .value("--secret", "whsec_...", "the client's signing secret (required)"),
            .value("--id", "ID", "webhook-id; reuse it when retrying a message (a new msg_... id)"),
            .value("--timestamp", "T", "webhook-timestamp in Unix seconds (now)"),
        ], run: run)

    private static func run(_ arguments: ParsedArguments) async -> Int32 {
        guard let urlText = arguments["--url"], let url = URL(string: urlText), url.scheme?.hasPrefix("http") == true
        else {
            return CommandRunner.usage("--url is required: an http:// or https:// URL")
        }
        guard let apiKey = arguments["--api-key"] else { return CommandRunner.usage("--api-key is required") }
        let message: SignCommand.SignedMessage
        do {
            message = try SignCommand.sign(arguments)
        } catch let error as UsageError {
            return CommandRunner.usage(error.description)
        } catch {
            CommandLineInterface.printError("gateway: \(error)")
            return CommandLineInterface.ExitStatus.failure
        }
        var request = URLRequest(url: url, timeoutInterval: 30)
        request.httpMethod = "POST"
        request.httpBody = Data(message.body)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(apiKey, forHTTPHeaderField: "X-API-Key")
        for (name, value) in message.headers { request.setValue(value, forHTTPHeaderField: name) }
        do {
            let (data, response) = try await URLSession.shared.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            print("HTTP \(status)")
            print(String(decoding: data, as: UTF8.self))
            return (200..<300).contains(status)
                ? CommandLineInterface.ExitStatus.success : CommandLineInterface.ExitStatus.failure
        } catch {
            CommandLineInterface.printError("gateway: cannot reach \(urlText): \(error.localizedDescription)")
            return CommandLineInterface.ExitStatus.failure
        }
    }
}
