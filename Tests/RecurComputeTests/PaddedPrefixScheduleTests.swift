import XCTest
@testable import RecurCompute

/// The order a loop runs its rows in when they may share their padded prefixes: each tile's rows
/// by decreasing padding, dealt in turn so the tiles get as much text each; nothing shared
/// unless every row starts from the same state.
final class PaddedPrefixScheduleTests: XCTestCase {
    /// Five rows of six tokens with 2, 6, 0, 4 and 1 leading zeros.
    let tokens: [Int32] = [0, 0, 3, 1, 2, 5,
                           0, 0, 0, 0, 0, 0,
                           7, 0, 0, 1, 1, 1,
                           0, 0, 0, 0, 9, 9,
                           0, 4, 4, 4, 4, 4]

    func arrange(initialState: [Float]) -> (order: [Int32], padding: [Int32], shared: Int) {
        tokens.withUnsafeBufferPointer { ids in
            let schedule = PaddedPrefixSchedule(batch: 5, width: 2, timestepStarts: Array(0..<6), tokenIDs: ids.baseAddress!)
            let shared = initialState.withUnsafeBufferPointer {
                schedule.arrange(tiles: [0..<3, 3..<5], initialState: $0.baseAddress!, initialCellState: nil)
            }
            return (Array(UnsafeBufferPointer(start: schedule.order, count: 5)), Array(UnsafeBufferPointer(start: schedule.padding, count: 5)), shared)
        }
    }

    func testRowsAreDealtToTheTilesByDecreasingPadding() {
        let (order, padding, shared) = arrange(initialState: [Float](repeating: 0, count: 10))
        // By padding: row 1 (6), 3 (4), 0 (2), 4 (1), 2 (0); dealt to tile 0, 1, 0, 1, 0.
        XCTAssertEqual(order, [1, 0, 2, 3, 4])
        XCTAssertEqual(padding, [6, 2, 0, 4, 1])
        // Tile 0 computes row 1's padding once for rows 1 and 0 (2 steps saved); tile 1 row 3's for row 4 (1).
        XCTAssertEqual(shared, 3)
    }

    func testRowsStartingFromDifferentStatesShareNothing() {
        var state = [Float](repeating: 0, count: 10)
        state[7] = 0.5
        let (order, padding, shared) = arrange(initialState: state)
        XCTAssertEqual(order, [0, 1, 2, 3, 4])
        XCTAssertEqual(padding, [0, 0, 0, 0, 0])
        XCTAssertEqual(shared, 0)
    }

    /// Two loops side by side on two workers, one computing 36% fewer row-steps: the other is
    /// split so that each worker computes about as many; nothing when they cost about the same,
    /// the split would be under a tile's least rows, the dearer loop shares rows itself, or
    /// there are not exactly two loops for two workers.
    func testTheDearerOfTwoLoopsIsSplitToEvenTheWorkers() throws {
        let (batch, time) = (64, 256)
        let full = batch * time, sharing = full * 64 / 100
        let split = try XCTUnwrap(CPUBackend.balancingSplit(rowSteps: [sharing, full], batches: [batch, batch], workers: 2,
                                                            splittable: [false, true]))
        XCTAssertEqual(split.loop, 1)
        XCTAssertEqual(split.tiles, [12..<64, 0..<12])
        let first = sharing + 12 * time, second = 52 * time
        XCTAssertLessThan(abs(first - second), time, "the workers' row-steps differ by less than a row")

        XCTAssertNil(CPUBackend.balancingSplit(rowSteps: [full, full], batches: [batch, batch], workers: 2, splittable: [true, true]))
        XCTAssertNil(CPUBackend.balancingSplit(rowSteps: [full - 5 * time, full], batches: [batch, batch], workers: 2,
                                               splittable: [true, true]), "3 rows: under a tile's least")
        XCTAssertNil(CPUBackend.balancingSplit(rowSteps: [full, sharing], batches: [batch, batch], workers: 2, splittable: [false, true]))
        XCTAssertNil(CPUBackend.balancingSplit(rowSteps: [sharing, full], batches: [batch, batch], workers: 1, splittable: [false, true]))
        XCTAssertNil(CPUBackend.balancingSplit(rowSteps: [sharing, full, full], batches: [batch, batch, batch], workers: 2,
                                               splittable: [false, true, true]))
    }
}
