import Foundation
import Testing
@testable import EarshotApp

/// Issue 22: documents are parsed and scored on a second thread ahead of the writer, in order, and
/// never more than `depth` ahead (memory stays bounded however many documents wait).
@Suite
struct ReadAheadTests {
    final class Made: @unchecked Sendable {
        let lock = NSLock()
        var count = 0
        var threads = Set<String>()
    }

    @Test func resultsComeInOrderAndTheProducerStaysWithinDepth() throws {
        let made = Made()
        let ahead = ReadAhead(count: 200, depth: 4, label: "test") { i -> Int in
            made.lock.lock(); made.count += 1; made.threads.insert(Thread.isMainThread ? "main" : "other"); made.lock.unlock()
            return i * i
        }
        for i in 0..<200 {
            if i % 50 == 0 {
                Thread.sleep(forTimeInterval: 0.05)  // a slow writer: the producer must wait, not run on
                made.lock.lock(); let n = made.count; made.lock.unlock()
                #expect(n <= i + 4, "made \(n) while the consumer had taken \(i)")
            }
            #expect(ahead.next() == i * i)
        }
        #expect(made.threads == ["other"])
    }

    /// `nextIfReady` (what a writer holding a transaction asks) never waits: nil while the next item is being
    /// made, then the items in order, mixed freely with `next()`.
    @Test func takingOnlyWhatIsReadyNeverWaits() throws {
        let gate = NSCondition()
        var open = false
        let ahead = ReadAhead(count: 3, depth: 4, label: "test") { i -> Int in
            if i == 1 { gate.lock(); while !open { gate.wait() }; gate.unlock() }
            return i + 10
        }
        #expect(ahead.next() == 10)
        let started = Date()
        #expect(ahead.nextIfReady() == nil, "item 1 is held back: nothing taken")
        #expect(Date().timeIntervalSince(started) < 0.5)
        gate.lock(); open = true; gate.broadcast(); gate.unlock()
        #expect(ahead.next() == 11, "the item nextIfReady did not take comes next")
        var last: Int?
        for _ in 0 ..< 200 where last == nil { last = ahead.nextIfReady(); if last == nil { Thread.sleep(forTimeInterval: 0.01) } }
        #expect(last == 12)
    }

    @Test func cancellingStopsTheProducer() throws {
        let made = Made()
        let ahead = ReadAhead(count: 1_000, depth: 2, label: "test") { i -> Int in
            made.lock.lock(); made.count += 1; made.lock.unlock()
            return i
        }
        #expect(ahead.next() == 0)
        ahead.cancel()
        Thread.sleep(forTimeInterval: 0.1)
        made.lock.lock(); let n = made.count; made.lock.unlock()
        #expect(n <= 4, "made \(n) after the consumer stopped")
    }
}
