import XCTest
@testable import Recur

final class BatchScheduleTests: XCTestCase {
    func testEveryExampleIsInExactlyOneBatchAndTheLastPartialBatchIsKept() {
        let schedule = BatchSchedule(exampleCount: 10, batchSize: 4, shuffle: true, seed: 1, epoch: 0)
        XCTAssertEqual(schedule.batchCount, 3)
        XCTAssertEqual((0..<3).map { schedule.batch($0).count }, [4, 4, 2])
        XCTAssertEqual((0..<3).flatMap { Array(schedule.batch($0)) }.sorted(), Array(0..<10))
    }

    func testShuffleIsSeededPerEpochAndOffWhenAsked() {
        let a = BatchSchedule(exampleCount: 1000, batchSize: 32, shuffle: true, seed: 7, epoch: 3)
        XCTAssertEqual(a, BatchSchedule(exampleCount: 1000, batchSize: 32, shuffle: true, seed: 7, epoch: 3))
        XCTAssertNotEqual(a.order, BatchSchedule(exampleCount: 1000, batchSize: 32, shuffle: true, seed: 7, epoch: 4).order)
        XCTAssertNotEqual(a.order, BatchSchedule(exampleCount: 1000, batchSize: 32, shuffle: true, seed: 8, epoch: 3).order)
        XCTAssertNotEqual(a.order, Array(0..<1000))
        XCTAssertEqual(BatchSchedule(exampleCount: 5, batchSize: 2, shuffle: false, seed: 7, epoch: 0).order, [0, 1, 2, 3, 4])
    }

    func testShuffleIsRoughlyUniform() {
        // Where example 0 lands over 4000 epochs of 4 examples: each slot ≈ 1000 (±15%).
        var counts = [0, 0, 0, 0]
        for epoch in 0..<4000 {
            counts[BatchSchedule(exampleCount: 4, batchSize: 4, shuffle: true, seed: 2, epoch: epoch).order.firstIndex(of: 0)!] += 1
        }
        for count in counts { XCTAssertEqual(Double(count), 1000, accuracy: 150, "\(counts)") }
    }

    func testValidationSplitTakesTheLastFractionLikeKeras() {
        let (training, validation) = validationSplit(Array(0..<10), fraction: 0.2)
        XCTAssertEqual(training, Array(0..<8))
        XCTAssertEqual(validation, [8, 9])
        // int(25000 * 0.8) = 20000.
        XCTAssertEqual(validationSplit(Array(0..<25_000), fraction: 0.2).validation.count, 5_000)
        XCTAssertEqual(validationSplit(Array(0..<7), fraction: 0.3).training.count, 4)  // int(7 * 0.7) = int(4.8999…) = 4
    }
}
