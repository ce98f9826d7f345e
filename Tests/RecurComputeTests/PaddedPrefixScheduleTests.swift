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

    func arrange(initialState: [Float], tokens: [Int32]? = nil, sharing: PaddedPrefixSharing = .inference)
        -> (order: [Int32], padding: [Int32], shared: Int, tiles: [Range<Int>]) {
        (tokens ?? self.tokens).withUnsafeBufferPointer { ids in
            let schedule = PaddedPrefixSchedule(batch: 5, width: 2, timestepStarts: Array(0..<6), tokenIDs: ids.baseAddress!, sharing: sharing)
            let tiles = initialState.withUnsafeBufferPointer {
                schedule.arrange(tiles: [0..<3, 3..<5], initialState: $0.baseAddress!, initialCellState: nil)
            }
            return (Array(UnsafeBufferPointer(start: schedule.order, count: 5)), Array(UnsafeBufferPointer(start: schedule.padding, count: 5)),
                    schedule.sharedRowSteps, tiles)
        }
    }

    /// The same rows by decreasing padding (6, 4, 2, 1, 0), as a training batch comes.
    var orderedTokens: [Int32] { [1, 3, 0, 4, 2].flatMap { tokens[($0 * 6)..<($0 * 6 + 6)] } }

    /// In training the rows stay in the batch's order, which must already be by decreasing
    /// padding, and the tiles are cut where they even out the row-steps computed.
    func testTrainingKeepsAnOrderedBatchAndEvensTheTiles() {
        let zeros = [Float](repeating: 0, count: 10)
        let (order, padding, shared, tiles) = arrange(initialState: zeros, tokens: orderedTokens, sharing: .training)
        XCTAssertEqual(order, [0, 1, 2, 3, 4])
        XCTAssertEqual(padding, [6, 4, 2, 1, 0])
        // Rows 0–2 compute 6 steps of padding and 0 + 2 + 4 of text (12); rows 3–4, 1 + 5 + 6.
        XCTAssertEqual(tiles, [0..<3, 3..<5])
        XCTAssertEqual(shared, 4 + 2 + 0)

        let unordered = arrange(initialState: zeros, sharing: .training)
        XCTAssertEqual(unordered.order, [0, 1, 2, 3, 4])
        XCTAssertEqual(unordered.padding, [0, 0, 0, 0, 0], "a batch not by decreasing padding shares nothing in training")
        XCTAssertEqual(unordered.shared, 0)
        XCTAssertEqual(unordered.tiles, [0..<3, 3..<5])
    }

    /// The rows a training backward leaves zero (each tile's padded rows but its last, the
    /// stand-in, at each timestep) and the live ranges the weight gradients read are complements.
    func testLiveRowsAreTheRowsNotLeftZero() {
        orderedTokens.withUnsafeBufferPointer { ids in
            let schedule = PaddedPrefixSchedule(batch: 5, width: 2, timestepStarts: Array(0..<6), tokenIDs: ids.baseAddress!, sharing: .training)
            let zeros = [Float](repeating: 0, count: 10)
            zeros.withUnsafeBufferPointer { _ = schedule.arrange(tiles: [0..<3, 3..<5], initialState: $0.baseAddress!, initialCellState: nil) }
            // Paddings 6, 4, 2 | 1, 0 on tiles 0..<3, 3..<5: at t 0 and 1 row 2 stands for rows 0–1;
            // row 3 stands for nothing (its tile's only padded row at t 0), so the tiles' ranges join.
            let live = schedule.liveGateGradientRows()
            XCTAssertEqual(Array(live.prefix(2)), [2..<5, 7..<10])
            let liveRows = Set(live.flatMap { $0 })
            for r in 0..<30 { XCTAssertEqual(liveRows.contains(r), !schedule.gateGradientIsZero(row: r), "row \(r)") }
            XCTAssertEqual(30 - liveRows.count, schedule.sharedRowSteps, "every shared row-step is a zero row")
            XCTAssertTrue(zip(live, live.dropFirst()).allSatisfy { $0.upperBound < $1.lowerBound }, "ascending, apart")
        }
    }

    /// Each tile computes its rows' text and its first row's padding; the cut minimises the
    /// dearest tile, whatever the count asked for, and never leaves a tile empty.
    func testEvenTilesMinimiseTheDearestTile() {
        let padding: [Int32] = [10, 10, 9, 8, 2, 0, 0, 0]
        func cost(_ tile: Range<Int>) -> Int { tile.reduce(Int(padding[tile.lowerBound])) { $0 + 10 - Int(padding[$1]) } }
        XCTAssertEqual(PaddedPrefixSchedule.evenTiles(padding: padding, time: 10, count: 1), [0..<8])
        let two = PaddedPrefixSchedule.evenTiles(padding: padding, time: 10, count: 2)
        XCTAssertEqual(two, [0..<5, 5..<8])
        XCTAssertEqual(two.map(cost), [21, 30])
        let eight = PaddedPrefixSchedule.evenTiles(padding: [Int32](repeating: 3, count: 3), time: 4, count: 8)
        XCTAssertEqual(eight, [0..<1, 1..<2, 2..<3])
    }

    func testRowsAreDealtToTheTilesByDecreasingPadding() {
        let (order, padding, shared, _) = arrange(initialState: [Float](repeating: 0, count: 10))
        // By padding: row 1 (6), 3 (4), 0 (2), 4 (1), 2 (0); dealt to tile 0, 1, 0, 1, 0.
        XCTAssertEqual(order, [1, 0, 2, 3, 4])
        XCTAssertEqual(padding, [6, 2, 0, 4, 1])
        // Tile 0 computes row 1's padding once for rows 1 and 0 (2 steps saved); tile 1 row 3's for row 4 (1).
        XCTAssertEqual(shared, 3)
    }

    func testRowsStartingFromDifferentStatesShareNothing() {
        var state = [Float](repeating: 0, count: 10)
        state[7] = 0.5
        let (order, padding, shared, _) = arrange(initialState: state)
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
