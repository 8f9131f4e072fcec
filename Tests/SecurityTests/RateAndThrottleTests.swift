import Security
import Testing

@Suite("Token buckets and the failed-authentication throttle (injected clock)")
struct RateAndThrottleTests {
    @Test func aBucketAllowsItsBurstThenRefillsAtItsRate() {
        let limiter = TokenBucketLimiter()
        let decisions = (0..<3).map { _ in limiter.take(key: "c", rate: 1, burst: 2, now: 1000) }
        #expect(decisions.map(\.isAllowed) == [true, true, false])
        #expect(decisions[0] == .init(isAllowed: true, remaining: 1, secondsUntilNextToken: 0, burst: 2, window: 2))
        #expect(decisions[1].remaining == 0 && decisions[1].secondsUntilNextToken == 1)
        #expect(decisions[2].secondsUntilNextToken == 1)
        #expect(!limiter.take(key: "c", rate: 1, burst: 2, now: 1000.5).isAllowed)
        #expect(limiter.take(key: "c", rate: 1, burst: 2, now: 1001).isAllowed)
        // Refill never exceeds the burst.
        let later = limiter.take(key: "c", rate: 1, burst: 2, now: 5000)
        #expect(later.isAllowed && later.remaining == 1)
    }

    @Test func slowRatesReportWholeSecondsToWait() {
        let limiter = TokenBucketLimiter()
        #expect(limiter.take(key: "slow", rate: 0.1, burst: 1, now: 0).isAllowed)
        let refused = limiter.take(key: "slow", rate: 0.1, burst: 1, now: 2)
        #expect(!refused.isAllowed)
        #expect(refused.secondsUntilNextToken == 8)
        #expect(refused.window == 10)
    }

    @Test func bucketsAreBoundedAndFullOnesAreForgottenFirst() {
        let limiter = TokenBucketLimiter(maximumBuckets: 100)
        for index in 0..<1000 {
            _ = limiter.take(key: "client-\(index)", rate: 1, burst: 5, now: Double(index))
        }
        #expect(limiter.count <= 100)
    }

    @Test func twentyFailuresInAMinuteBlockForAMinute() {
        let throttle = FailedAuthenticationThrottle()
        for second in 0..<19 { throttle.recordFailure(from: "10.0.0.1", now: Double(second)) }
        #expect(throttle.blockedSeconds(for: "10.0.0.1", now: 19) == nil)
        throttle.recordFailure(from: "10.0.0.1", now: 19)
        #expect(throttle.blockedSeconds(for: "10.0.0.1", now: 19) == 60)
        #expect(throttle.blockedSeconds(for: "10.0.0.1", now: 78.5) == 1)
        #expect(throttle.blockedSeconds(for: "10.0.0.1", now: 79) == nil)
        #expect(throttle.blockedSeconds(for: "10.0.0.2", now: 19) == nil)
    }

    @Test func failuresOutsideTheWindowDoNotCount() {
        let throttle = FailedAuthenticationThrottle()
        for second in stride(from: 0, to: 200, by: 5) { throttle.recordFailure(from: "a", now: Double(second)) }
        #expect(throttle.blockedSeconds(for: "a", now: 200) == nil)
    }

    @Test func theThrottleTableIsBounded() {
        let throttle = FailedAuthenticationThrottle(maximumAddresses: 50)
        for index in 0..<5000 { throttle.recordFailure(from: "addr-\(index)", now: Double(index) / 100) }
        #expect(throttle.count <= 50)
    }
}
