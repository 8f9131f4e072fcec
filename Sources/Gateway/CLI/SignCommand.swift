import Foundation
import Security

/// `gateway sign` and `gateway send`: Standard Webhooks signing for partner engineers.
enum SignCommand {
    static let spec = CommandSpec(
        path: ["sign"], summary: "Print the three webhook-* headers for FILE's exact bytes (- reads standard input).",
        arguments: ["FILE"],
        options: [
            .value("--secret", "whsec_...", "the client's signing secret (required)"),
            .value("--id", "ID", "webhook-id (a new msg_... id)"),
            .value("--timestamp", "T", "webhook-timestamp in Unix seconds (now)"),
            .flag("--json", "print {\"webhook-id\":...,\"webhook-timestamp\":...,\"webhook-signature\":...}"),
        ], run: run)

    /// The message as signed: its body, id, timestamp and signature.
    struct SignedMessage {
        let body: [UInt8]
        let headers: [(String, String)]
    }

    /// Reads the body and signs it; a usage error for a missing or malformed option.
    static func sign(_ arguments: ParsedArguments) throws -> SignedMessage {
        guard let secretText = arguments["--secret"] else { throw UsageError("--secret is required") }
        guard let secret = SigningSecret(secretText) else {
            throw UsageError("--secret must be whsec_ followed by base64 of 16-75 bytes")
        }
        let id = arguments["--id"] ?? "msg_" + Hex.encode(SecureRandom.bytes(count: 12))
        let timestamp = arguments["--timestamp"] ?? String(Int(Date().timeIntervalSince1970))
        do {
            _ = try SignedDelivery(webhookID: id, timestamp: timestamp, signature: "v1,", idempotencyKey: nil)
        } catch {
            throw UsageError("--id must be 1-255 visible ASCII characters without '.', --timestamp 1-12 digits")
        }
        let path = arguments.positionals[0]
        let data =
            path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: path)
        guard let data else { throw KeysFileError("cannot read \(path)") }
        let body = Array(data)
        let signature = WebhookSignature.sign(webhookID: id, timestamp: timestamp, body: body, secret: secret)
        return SignedMessage(
            body: body,
            headers: [("webhook-id", id), ("webhook-timestamp", timestamp), ("webhook-signature", signature)])
    }

    private static func run(_ arguments: ParsedArguments) async -> Int32 {
        do {
            let message = try sign(arguments)
            if arguments.has("--json") {
                CommandOutput.printJSON(.object(message.headers.map { ($0.0, .string($0.1)) }))
            } else {
                for (name, value) in message.headers { print("\(name): \(value)") }
            }
            return CommandLineInterface.ExitStatus.success
        } catch let error as UsageError {
            return CommandRunner.usage(error.description)
        } catch {
            CommandLineInterface.printError("gateway: \(error)")
            return CommandLineInterface.ExitStatus.failure
        }
    }
}
