import Foundation
import Storage
import Testing

@testable import Gateway

@Suite("Configuration and start-up")
struct ConfigurationTests {
    @Test func defaultsAreTheContractsValues() throws {
        let configuration = try ConfigurationLoader.load(environment: [:], arguments: [])
        #expect(configuration == GatewayConfiguration())
        #expect(configuration.host == "0.0.0.0" && configuration.port == 8000)
        #expect(configuration.databasePath == "./data/appointments.db")
        #expect(configuration.keysPath == "./keys.json")
        #expect(configuration.logFile == "./logs/webhook.log" && configuration.logFormat == .text)
        #expect(configuration.timestampToleranceSeconds == 300 && configuration.maximumBodyBytes == 65536)
        #expect(configuration.idempotencyTTLSeconds == 86400)
        #expect(configuration.defaultRate == 50 && configuration.defaultBurst == 100)
    }

    @Test func aFlagBeatsTheEnvironment() throws {
        let configuration = try ConfigurationLoader.load(
            environment: ["WEBHOOK_PORT": "9000", "WEBHOOK_LOG_LEVEL": "debug"], arguments: ["--port", "9100"])
        #expect(configuration.port == 9100)
        #expect(configuration.logLevel == .debug)
        let inline = try ConfigurationLoader.load(environment: [:], arguments: ["--max-body-bytes=2048"])
        #expect(inline.maximumBodyBytes == 2048)
    }

    @Test(arguments: [
        ("WEBHOOK_PORT", "eighty"), ("WEBHOOK_PORT", "70000"), ("WEBHOOK_LOG_LEVEL", "LOUD"),
        ("WEBHOOK_LOG_FORMAT", "xml"), ("WEBHOOK_TIMESTAMP_TOLERANCE", "-1"), ("WEBHOOK_MAX_BODY_BYTES", "0"),
        ("WEBHOOK_IDEMPOTENCY_TTL", "soon"), ("WEBHOOK_DEFAULT_RATE", "0"), ("WEBHOOK_DEFAULT_BURST", "1.5"),
        ("WEBHOOK_DATABASE_URL", "mysql://x"),
    ])
    func aBadValueIsRefusedNamingTheVariable(_ variable: String, _ value: String) {
        #expect {
            try ConfigurationLoader.load(environment: [variable: value], arguments: [])
        } throws: { error in
            (error as? ConfigurationError)?.description.contains(variable) == true
        }
    }

    @Test func aBadValueStopsTheRealServerWithAMessageNamingIt() throws {
        let result = try runGateway(["serve"], environment: ["WEBHOOK_PORT": "eighty"])
        #expect(result.status == 2)
        #expect(result.standardError.contains("WEBHOOK_PORT"))
        let flag = try runGateway(["serve", "--port", "-3"])
        #expect(flag.status == 2)
        #expect(flag.standardError.contains("--port"))
        let unknown = try runGateway(["serve", "--colour", "blue"])
        #expect(unknown.status == 2)
        #expect(unknown.standardError.contains("--colour"))
    }

    @Test func helpDescribesCommandsAndEveryServeOption() throws {
        let help = try runGateway(["--help"])
        #expect(help.status == 0)
        #expect(help.standardOutput.contains("serve") && help.standardOutput.contains("migrate"))
        let serveHelp = try runGateway(["serve", "--help"])
        #expect(serveHelp.status == 0)
        for option in ConfigurationOption.serveOptions {
            #expect(serveHelp.standardOutput.contains(option.flag))
            if let variable = option.environmentVariable { #expect(serveHelp.standardOutput.contains(variable)) }
        }
        let unknown = try runGateway(["frobnicate"])
        #expect(unknown.status == 2)
        #expect(unknown.standardError.contains("unknown command"))
    }

    @Test func migrateBringsTheSchemaUpToDateAndIsRepeatable() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("migrate-\(UUID().uuidString)")
        let path = directory.appendingPathComponent("db.sqlite").path
        let first = try runGateway(["migrate", "--db", path])
        #expect(first.status == 0)
        #expect(first.standardOutput.contains("Applied \(SQLiteMigrations.all.count)"))
        let second = try runGateway(["migrate"], environment: ["WEBHOOK_DB_PATH": path])
        #expect(second.status == 0)
        #expect(second.standardOutput.contains("Applied 0"))
    }
}
