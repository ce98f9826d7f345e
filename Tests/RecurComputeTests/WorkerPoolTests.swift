import Foundation
import XCTest
@testable import RecurCompute

final class WorkerPoolTests: XCTestCase {
    /// Every index runs exactly once, for counts below, at and above the thread count, many
    /// times over (a lost or doubled index, or a job's end not waited for, shows as a wrong count).
    func testEveryIndexRunsOnceOnAnyThreadCount() {
        for threads in [1, 2, 4] {
            let pool = WorkerPool(threads: threads)
            defer { pool.stop() }
            for count in [0, 1, 2, 3, 5, 16] {
                var runs = [Int](repeating: 0, count: count)
                runs.withUnsafeMutableBufferPointer { runs in
                    for _ in 0..<500 {
                        pool.perform(iterations: count) { index in runs[index] += 1 }
                    }
                }
                XCTAssertEqual(runs, [Int](repeating: 500, count: count), "\(threads) threads, \(count) indices")
            }
        }
    }

    /// A worker that has gone to sleep (idle past the spin time) is woken for the next job, and a
    /// `perform` inside a job runs its indices on the calling thread instead of waiting on itself.
    func testSleepingWorkersWakeAndNestedJobsRunInline() {
        let pool = WorkerPool(threads: 2)
        defer { pool.stop() }
        var sums = [Int](repeating: 0, count: 2)
        sums.withUnsafeMutableBufferPointer { sums in
            for round in 1...3 {
                Thread.sleep(forTimeInterval: 0.002)   // 10× the spin time
                pool.perform(iterations: 2) { index in
                    var inner = 0
                    pool.perform(iterations: 3) { inner += $0 + 1 }
                    sums[index] += inner * round
                }
            }
        }
        XCTAssertEqual(sums, [36, 36], "each index: (1 + 2 + 3) × (1 + 2 + 3)")
    }
}
