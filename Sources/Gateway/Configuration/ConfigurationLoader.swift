/// A setting that could not be used; the message names the variable or flag.
struct ConfigurationError: Error, CustomStringConvertible {
    let description: String
}

/// Builds the configuration from the environment, then the flags (a flag beats the variable).
enum ConfigurationLoader {
    static func load(
        environment: [String: String], arguments: [String],
        options: [ConfigurationOption] = ConfigurationOption.serveOptions
    ) throws(ConfigurationError) -> GatewayConfiguration {
        var configuration = GatewayConfiguration()
        for option in options {
            guard let name = option.environmentVariable, let value = environment[name] else { continue }
            guard option.apply(&configuration, value) else {
                throw ConfigurationError(description: "invalid value for \(name): expected \(option.help)")
            }
        }
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            let (flag, inlineValue) = split(argument)
            guard let option = options.first(where: { $0.flag == flag }) else {
                throw ConfigurationError(description: "unknown option \(flag)")
            }
            let value: String
            if option.isSwitch {
                value = inlineValue ?? ""
            } else if let inlineValue {
                value = inlineValue
            } else if let next = remaining.popFirst() {
                value = next
            } else {
                throw ConfigurationError(description: "\(flag) needs a value (\(option.valueName))")
            }
            guard option.apply(&configuration, value) else {
                throw ConfigurationError(description: "invalid value for \(flag): expected \(option.help)")
            }
        }
        return configuration
    }

    /// `--flag=value` → (`--flag`, `value`); `--flag` → (`--flag`, nil).
    private static func split(_ argument: String) -> (String, String?) {
        guard let equals = argument.firstIndex(of: "=") else { return (argument, nil) }
        return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
    }
}
