import Foundation
import Security

/// What the pipeline knows about one request, passed down the chain as a value.
///
/// Each field is typed and filled by the stage that establishes it; later stages read it.
struct RequestContext: Sendable {
    /// The correlation id: the sender's `X-Request-ID` or one generated here.
    var requestID: String
    /// When the gateway started handling the request.
    var receivedAt: Date
    /// A logger bound to this request.
    var logger: Logger
    /// Facts that must survive a refusal further down (caller identity, response headers).
    let trace = RequestTrace()
    /// The authenticated client, once API-key authentication has run.
    var client: CredentialDirectory.Client?
    /// The checked Standard Webhooks headers, once the signature-headers stage has run.
    var delivery: SignedDelivery?
    /// The validated event, once the validation stage has run.
    var event: AppointmentEvent?
    /// The `{…}` path segments the router captured, in order.
    var pathParameters: [String] = []

    init(requestID: String, receivedAt: Date, logger: Logger) {
        self.requestID = requestID
        self.receivedAt = receivedAt
        self.logger = logger
    }
}
