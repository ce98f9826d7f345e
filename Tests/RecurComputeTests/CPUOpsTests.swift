import XCTest
import Foundation
@testable import RecurCompute

/// Each non-cell op of the CPU reference backend against the formula in its doc comment,
/// computed independently here in Double.
///
/// Tolerances: Float32 results against Double references are compared with
/// `|a − e| ≤ max(absolute, relative·max(|a|, |e|))`; the constants below are a few hundred
/// Float32 ulps (ε ≈ 1.2e-7) for sums of ≤ 10 terms of size ≤ 1, far below any real error.
final class CPUOpsTests: XCTestCase {
    /// Sums, products, element-wise transcendental functions of O(1) values.
    static let relative: Float = 1e-5
    static let absolute: Float = 1e-6

    var cpu: CPUBackend!
    var rng = SplitMix64(seed: 2024)

    override func setUp() { cpu = CPUBackend() }

    /// A view of `count` elements at `offset` in a fresh storage of `storageCount` elements whose
    /// other elements hold `fill`, so writes outside the view are visible.
    func view(_ values: [Float], offset: Int, storageCount: Int, fill: Float) throws -> FloatRef {
        let whole = try cpu.tensor([Float](repeating: fill, count: storageCount))
        let ref = whole.slice(offset, values.count)
        try cpu.write(values, to: ref)
        return ref
    }

    func wholeStorage(_ ref: FloatRef) throws -> [Float] {
        try cpu.read(FloatRef(storage: ref.storage, count: ref.storage.elementCount))
    }

    func close(_ actual: [Float], _ expected: [Double], _ what: String, relative: Float = relative, absolute: Float = absolute,
               file: StaticString = #filePath, line: UInt = #line) {
        assertClose(actual, expected.map { Float($0) }, relative: Double(relative), absolute: Double(absolute), what, file: file, line: line)
    }

    // MARK: GEMM

    func testGEMMMatchesNaiveProductForEveryTransposeCombination() throws {
        let m = 3, n = 5, k = 7, alpha: Float = 1.5
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = rng.floats(m * k), b = rng.floats(k * n)
            let c = try cpu.zeros(m * n)
            try cpu.run(.gemm(GEMM(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: alpha,
                                   a: cpu.tensor(a), b: cpu.tensor(b), c: c)))
            let expected = matmul(a.map(Double.init), b.map(Double.init), m: m, k: k, n: n, transposeA: ta, transposeB: tb)
            close(try cpu.read(c), expected.map { Double(alpha) * $0 }, "GEMM transposeA=\(ta) transposeB=\(tb)")
        }
    }

    func testGEMMHonoursLeadingDimensionsAndLeavesPaddingAlone() throws {
        // A is [k, m] transposed with lda 6 > m; B is [k, n] with ldb 7 > n; C has ldc 9 > n.
        let m = 4, n = 3, k = 5, lda = 6, ldb = 7, ldc = 9, sentinel: Float = 42
        var aStorage = [Float](repeating: .nan, count: (k - 1) * lda + m)   // padding is NaN: it must not be read
        var bStorage = [Float](repeating: .nan, count: (k - 1) * ldb + n)
        var aDense = [Double](), bDense = [Double]()
        for p in 0..<k { for i in 0..<m { let v = rng.floats(1)[0]; aStorage[p * lda + i] = v; aDense.append(Double(v)) } }
        for p in 0..<k { for j in 0..<n { let v = rng.floats(1)[0]; bStorage[p * ldb + j] = v; bDense.append(Double(v)) } }
        let c = try cpu.tensor([Float](repeating: sentinel, count: (m - 1) * ldc + n))
        try cpu.run(.gemm(GEMM(transposeA: true, m: m, n: n, k: k, a: cpu.tensor(aStorage), b: cpu.tensor(bStorage), c: c,
                               lda: lda, ldb: ldb, ldc: ldc)))
        let result = try cpu.read(c)
        let expected = matmul(aDense, bDense, m: m, k: k, n: n, transposeA: true)
        close((0..<m * n).map { result[($0 / n) * ldc + $0 % n] }, expected, "GEMM with lda/ldb/ldc")
        for i in result.indices where i % ldc >= n {
            XCTAssertEqual(result[i], sentinel, "C padding element \(i) was written")
        }
    }

    func testGEMMBetaAccumulatesIntoCAndZeroBetaOverwrites() throws {
        let m = 2, n = 3, k = 4
        let a = rng.floats(m * k), b = rng.floats(k * n), c0 = rng.floats(m * n)
        let product = matmul(a.map(Double.init), b.map(Double.init), m: m, k: k, n: n)
        for (alpha, beta) in [(Float(2), Float(0.5)), (1, 1), (1, 0)] {
            let c = try cpu.tensor(c0)
            try cpu.run(.gemm(GEMM(m: m, n: n, k: k, alpha: alpha, a: cpu.tensor(a), b: cpu.tensor(b), beta: beta, c: c)))
            let expected = (0..<m * n).map { Double(alpha) * product[$0] + Double(beta) * Double(c0[$0]) }
            close(try cpu.read(c), expected, "GEMM alpha=\(alpha) beta=\(beta)")
        }
    }

    /// Deep, narrow products (weight gradients over all T·B rows) run split along k into two
    /// partial sums (Aᵀ·B of up to 128 rows in RowGEMM, the rest in OpenBLAS): every transpose
    /// combination, alpha and beta, a padded C left alone, and the same bits on one thread as on two.
    func testDeepProductSplitAlongKMatchesTheFormulaAtEveryThreadCount() throws {
        let m = 17, n = 15, k = 2 * CPUBackend.splitInnerMinimumK + 37, ldc = n + 2, sentinel: Float = 42
        for (ta, tb) in [(true, false), (false, false), (true, true), (false, true)] {
            let a = rng.floats(m * k), b = rng.floats(k * n), c0 = rng.floats((m - 1) * ldc + n)
            var results: [[Float]] = []
            for threads in [1, 2] {
                let backend = CPUBackend(threads: threads)
                var cStorage = c0
                for i in cStorage.indices where i % ldc >= n { cStorage[i] = sentinel }
                let c = try backend.tensor(cStorage)
                let alpha: Float = 0.5, beta: Float = 2
                let op = GEMM(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: alpha, a: try backend.tensor(a),
                              b: try backend.tensor(b), beta: beta, c: c, lda: ta ? m : k, ldb: tb ? k : n, ldc: ldc)
                XCTAssertTrue(CPUBackend.splitsInner(op), "the shape takes the split path")
                XCTAssertEqual(CPUBackend.runsTransposedAInRowGEMM(op), ta && !tb, "Aᵀ·B of 17 rows runs in RowGEMM")
                try backend.enqueue(.gemm(op), lane: 0)
                let result = try backend.read(c)
                let product = matmul(a.map(Double.init), b.map(Double.init), m: m, k: k, n: n, transposeA: ta, transposeB: tb)
                let expected = (0..<m * n).map { Double(alpha) * product[$0] + Double(beta) * Double(cStorage[($0 / n) * ldc + $0 % n]) }
                // Sums of k ≈ 4000 products of O(1) terms: a looser absolute bound than the short sums.
                close((0..<m * n).map { result[($0 / n) * ldc + $0 % n] }, expected, "split GEMM tA=\(ta) tB=\(tb)", absolute: 1e-3)
                for i in result.indices where i % ldc >= n { XCTAssertEqual(result[i], sentinel, "C padding element \(i) was written") }
                results.append(result)
            }
            XCTAssertEqual(results[0], results[1], "tA=\(ta) tB=\(tb): one thread and two give the same bits")
        }
    }

    func testBatchedGEMMUsesStridesAndCanShareB() throws {
        // Three products; A and C batches sit at strides with gaps; strideB = 0 shares one B.
        let batch = 3, m = 2, n = 3, k = 4, strideA = m * k + 2, strideC = m * n + 1, sentinel: Float = -7
        let aAll = rng.floats((batch - 1) * strideA + m * k), b = rng.floats(k * n)
        let c = try cpu.tensor([Float](repeating: sentinel, count: (batch - 1) * strideC + m * n))
        try cpu.run(.gemm(GEMM(m: m, n: n, k: k, a: cpu.tensor(aAll), b: cpu.tensor(b), c: c,
                               batch: batch, strideA: strideA, strideB: 0, strideC: strideC)))
        let result = try cpu.read(c)
        for i in 0..<batch {
            let a = aAll[i * strideA..<i * strideA + m * k].map(Double.init)
            close(Array(result[i * strideC..<i * strideC + m * n]), matmul(a, b.map(Double.init), m: m, k: k, n: n), "batch \(i)")
            if i < batch - 1 { XCTAssertEqual(result[i * strideC + m * n], sentinel, "gap after batch \(i) was written") }
        }
    }

    // MARK: embedding

    func testEmbeddingGatherWritesTimeMajorRowsAndZeroesOutOfRangeIDs() throws {
        let b = 2, t = 3, v = 5, e = 3
        let table = rng.floats(v * e)
        let ids: [Int32] = [0, 4, 2,   // sequence 0
                            -1, 5, 2]  // sequence 1: −1 and 5 are out of range
        let out = try cpu.tensor([Float](repeating: .nan, count: t * b * e))
        try cpu.run(.embeddingGather(EmbeddingGather(batch: b, time: t, vocabulary: v, width: e,
                                                     tokenIDs: cpu.intTensor(ids), table: cpu.tensor(table), output: out)))
        var expected = [Float]()
        for step in 0..<t {
            for row in 0..<b {
                let id = Int(ids[row * t + step])
                expected += (0..<v).contains(id) ? Array(table[id * e..<(id + 1) * e]) : [0, 0, 0]
            }
        }
        assertBitwiseEqual(try cpu.read(out), expected, "gathered [T, B, E]")
    }

    func testEmbeddingGradientIndexGroupsOccurrencesByTokenThenRow() {
        // Rows are t·B + b. Token 7 is out of range for V = 5.
        let index = EmbeddingGradientIndex(tokenIDs: [3, 1, 3,  1, 7, 0], batch: 2, time: 3, vocabulary: 5)
        XCTAssertEqual(index.distinctTokens, 3)
        XCTAssertEqual(Array(index.sortedRows.prefix(5)), [5, 1, 2, 0, 4])   // token 0: row 5; 1: rows 1, 2; 3: rows 0, 4
        XCTAssertEqual(index.segmentStarts, [0, 1, 3, 5, 5, 5, 5])
        XCTAssertEqual(index.segmentTokens, [0, 1, 3, -1, -1, -1])
    }

    /// The counting sort (vocabulary up to 8× the occurrences) and the radix sort (larger
    /// vocabularies) build the same index: the ids are the same, only the vocabulary bound differs.
    func testEmbeddingGradientIndexIsTheSameFromCountingAndRadixSorts() {
        var random = SplitMix64(seed: 77)
        for (batch, time) in [(1, 1), (3, 7), (16, 40)] {
            let ids = random.ints(batch * time, in: -2...40)
            // 41 ≤ 8·occurrences takes the counting sort except for B = T = 1; 41 + 8·occurrences never does.
            let counted = EmbeddingGradientIndex(tokenIDs: ids, batch: batch, time: time, vocabulary: 41)
            let sorted = EmbeddingGradientIndex(tokenIDs: ids, batch: batch, time: time, vocabulary: 41 + 8 * batch * time)
            XCTAssertEqual(counted, sorted, "B=\(batch) T=\(time)")
        }
    }

    /// Keys of many digits (input dropout's (sequence, token) pairs reach millions): the radix
    /// sort's passes leave the occurrences grouped by key in ascending order, rows ascending
    /// within a key, the slots naming each occurrence's group in batch-major order.
    func testEmbeddingGradientIndexOverALargeVocabularyOrdersByKeyThenRow() {
        var random = SplitMix64(seed: 79)
        for (batch, time, vocabulary) in [(3, 7, 5_000_000), (16, 40, 1 << 30), (9, 33, 2_049)] {
            // Few distinct keys, so that keys repeat, spread over every digit of the vocabulary.
            let palette = random.ints(12, in: 0...Int32(vocabulary - 1)) + [-1, Int32(vocabulary)]
            let ids = random.ints(batch * time, in: 0...Int32(palette.count - 1)).map { palette[Int($0)] }
            let index = EmbeddingGradientIndex(tokenIDs: ids, batch: batch, time: time, vocabulary: vocabulary)
            var expected: [(key: Int32, row: Int)] = []
            for t in 0..<time {
                for b in 0..<batch where ids[b * time + t] >= 0 && Int(ids[b * time + t]) < vocabulary {
                    expected.append((ids[b * time + t], t * batch + b))
                }
            }
            expected.sort { $0.key != $1.key ? $0.key < $1.key : $0.row < $1.row }
            XCTAssertEqual(Array(index.sortedRows.prefix(expected.count)), expected.map { Int32($0.row) }, "V=\(vocabulary)")
            let keys: [Int32] = Array(Set(expected.map { $0.key })).sorted()
            XCTAssertEqual(index.distinctTokens, keys.count)
            XCTAssertEqual(Array(index.segmentTokens.prefix(keys.count)), keys)
            XCTAssertEqual(index.tokenSlots, ids.map { Int32(keys.firstIndex(of: $0) ?? -1) }, "V=\(vocabulary)")
            let starts = keys.map { key in Int32(expected.firstIndex { $0.key == key }!) }
            XCTAssertEqual(Array(index.segmentStarts.prefix(keys.count)), starts)
            XCTAssertTrue(index.segmentStarts.dropFirst(keys.count).allSatisfy { $0 == Int32(expected.count) })
        }
    }

    /// Each occurrence's slot is the row of its token among the batch's distinct tokens, in the
    /// ids' batch-major order; an id outside the vocabulary has none.
    func testTokenSlotsNameEachOccurrencesDistinctTokenInBatchMajorOrder() {
        var random = SplitMix64(seed: 78)
        for (batch, time) in [(1, 1), (2, 3), (5, 7), (16, 40)] {
            let ids = random.ints(batch * time, in: -2...40)
            let index = EmbeddingGradientIndex(tokenIDs: ids, batch: batch, time: time, vocabulary: 37)
            let distinct = Array(index.segmentTokens.prefix(index.distinctTokens))
            let expected = ids.map { id in Int32(distinct.firstIndex(of: id) ?? -1) }
            XCTAssertEqual(index.tokenSlots, expected, "B=\(batch) T=\(time)")
        }
    }

    /// Runs the gradient for `ids` and returns (table gradient, reference sums per token).
    func embeddingGradient(ids: [Int32], batch: Int, time: Int, vocabulary: Int, width: Int, gradient: [Float],
                           on backend: CPUBackend, prefill: Float) throws -> [Float] {
        let index = EmbeddingGradientIndex(tokenIDs: ids, batch: batch, time: time, vocabulary: vocabulary)
        let table = try backend.tensor([Float](repeating: prefill, count: vocabulary * width))
        try backend.run(.embeddingGradient(EmbeddingGradient(
            occurrences: batch * time, vocabulary: vocabulary, width: width, outputGradient: backend.tensor(gradient),
            index: (backend.intTensor(index.sortedRows), backend.intTensor(index.segmentStarts), backend.intTensor(index.segmentTokens)),
            tableGradient: table)))
        return try backend.read(table)
    }

    func testEmbeddingGradientSumsDuplicatesAndLeavesUntouchedRowsAlone() throws {
        let b = 3, t = 4, v = 8, e = 3, sentinel: Float = 9
        let ids: [Int32] = [1, 1, 4, 1,  4, 0, -2, 6,  1, 8, 0, 4]   // 1 ×4, 4 ×3, 0 ×2, 6 ×1; −2 and 8 out of range
        let gradient = rng.floats(t * b * e)
        let result = try embeddingGradient(ids: ids, batch: b, time: t, vocabulary: v, width: e, gradient: gradient,
                                           on: cpu, prefill: sentinel)
        var expected = [Double](repeating: Double(sentinel), count: v * e)
        for token in Set(ids) where (0..<Int32(v)).contains(token) {
            for j in 0..<e { expected[Int(token) * e + j] = 0 }
        }
        for row in 0..<b { for step in 0..<t {
            let token = Int(ids[row * t + step])
            guard (0..<v).contains(token) else { continue }
            for j in 0..<e { expected[token * e + j] += Double(gradient[(step * b + row) * e + j]) }
        } }
        close(result, expected, "table gradient (rows 2, 3, 5, 7 untouched)")
    }

    func testEmbeddingGradientIsBitwiseDeterministicAcrossRunsAndThreadCounts() throws {
        // 1024 occurrences × 32 columns reaches the parallel path (2^15 elements of work).
        let b = 16, t = 64, v = 50, e = 32
        let ids = rng.ints(b * t, in: 0...Int32(v - 1)), gradient = rng.floats(t * b * e)
        let parallel = CPUBackend(threads: 2), serial = CPUBackend(threads: 1)
        let first = try embeddingGradient(ids: ids, batch: b, time: t, vocabulary: v, width: e, gradient: gradient, on: parallel, prefill: 0)
        let second = try embeddingGradient(ids: ids, batch: b, time: t, vocabulary: v, width: e, gradient: gradient, on: parallel, prefill: 0)
        let third = try embeddingGradient(ids: ids, batch: b, time: t, vocabulary: v, width: e, gradient: gradient, on: serial, prefill: 0)
        assertBitwiseEqual(second, first, "second run")
        assertBitwiseEqual(third, first, "single-threaded run")
        var expected = [Double](repeating: 0, count: v * e)
        for row in 0..<b { for step in 0..<t { for j in 0..<e {
            expected[Int(ids[row * t + step]) * e + j] += Double(gradient[(step * b + row) * e + j])
        } } }
        // Up to ~40 Float additions per element.
        close(first, expected, "table gradient", relative: 1e-5, absolute: 1e-5)
    }

    /// Few distinct tokens among many occurrences (every used segment in the first half of the
    /// segment range, which the workers once split evenly), a width with a tail past the eight
    /// lanes, ids out of range: each token's row is the Float sum of its rows in ascending row
    /// order, bit for bit, on one worker or two.
    func testEmbeddingGradientOfFewDistinctTokensSumsEachTokensRowsInOrder() throws {
        let b = 32, t = 64, v = 6, e = 19   // 2,048 occurrences × 19 columns: the parallel path
        let ids = rng.ints(b * t, in: -1...Int32(v)), gradient = rng.floats(t * b * e)
        let parallel = try embeddingGradient(ids: ids, batch: b, time: t, vocabulary: v, width: e, gradient: gradient,
                                             on: CPUBackend(threads: 2), prefill: 7)
        let serial = try embeddingGradient(ids: ids, batch: b, time: t, vocabulary: v, width: e, gradient: gradient,
                                           on: CPUBackend(threads: 1), prefill: 7)
        var expected = [Float](repeating: 7, count: v * e)
        for token in Set(ids) where (0..<Int32(v)).contains(token) { for j in 0..<e { expected[Int(token) * e + j] = 0 } }
        for step in 0..<t { for row in 0..<b {
            let token = Int(ids[row * t + step])
            guard (0..<v).contains(token) else { continue }
            for j in 0..<e { expected[token * e + j] += gradient[(step * b + row) * e + j] }
        } }
        assertBitwiseEqual(parallel, expected, "two workers")
        assertBitwiseEqual(serial, expected, "one worker")
    }

    /// The index that puts a batch's distinct-token rows into the table: one row per segment,
    /// the tokens first and unused (−1) one-row segments after them. Each token's row lands,
    /// the rest of the table stays as it was, on one worker or two.
    func testEmbeddingGradientOfOneRowSegmentsPutsEachRowAtItsToken() throws {
        let capacity = 4096, distinct = 700, v = 5000, e = 24   // 4,096 × 24: the parallel path
        let tokens = (0..<capacity).map { $0 < distinct ? Int32((7 * $0) % v) : -1 }
        let gradient = rng.floats(capacity * e)
        var expected = [Float](repeating: 3, count: v * e)
        for s in 0..<distinct { for j in 0..<e { expected[Int(tokens[s]) * e + j] = gradient[s * e + j] } }
        for threads in [1, 2] {
            let backend = CPUBackend(threads: threads)
            let table = try backend.tensor([Float](repeating: 3, count: v * e))
            try backend.run(.embeddingGradient(EmbeddingGradient(
                occurrences: capacity, vocabulary: v, width: e, outputGradient: backend.tensor(gradient),
                index: (backend.intTensor((0..<Int32(capacity)).map { $0 }), backend.intTensor((0...Int32(capacity)).map { $0 }),
                        backend.intTensor(tokens)),
                tableGradient: table)))
            assertBitwiseEqual(try backend.read(table), expected, "\(threads) worker(s)")
        }
    }

    // MARK: element-wise

    func testFillWritesOnlyItsView() throws {
        let ref = try view([1, 2, 3], offset: 2, storageCount: 7, fill: -1)
        try cpu.run(.fill(Fill(ref, value: 0.25)))
        XCTAssertEqual(try wholeStorage(ref), [-1, -1, 0.25, 0.25, 0.25, -1, -1])
    }

    /// Small copies and ones large enough to be split over the workers (a sequence joined into a
    /// Bidirectional layer's output, an odd row count), strided and contiguous.
    func testCopy2DCopiesABlockBetweenStridedLayouts() throws {
        for (rows, columns, sourceStride, destinationStride) in [(3, 4, 6, 5), (1031, 64, 64, 128), (777, 61, 70, 61)] {
            let sentinel: Float = -3
            let source = rng.floats((rows - 1) * sourceStride + columns)
            let destination = try cpu.tensor([Float](repeating: sentinel, count: rows * destinationStride))
            try cpu.run(.copy2D(Copy2D(rows: rows, columns: columns, source: cpu.tensor(source), sourceStride: sourceStride,
                                       destination: destination, destinationStride: destinationStride)))
            var expected = [Float](repeating: sentinel, count: rows * destinationStride)
            for r in 0..<rows { for c in 0..<columns { expected[r * destinationStride + c] = source[r * sourceStride + c] } }
            assertBitwiseEqual(try cpu.read(destination), expected, "strided copy of \(rows) × \(columns)")
        }
        for count in [5, 40_003] {
            let whole = rng.floats(count), target = try cpu.zeros(count)
            try cpu.run(.copy2D(Copy2D(try cpu.tensor(whole), to: target)))
            assertBitwiseEqual(try cpu.read(target), whole, "contiguous copy of \(count)")
        }
    }

    func testAddBiasAddsTheBiasToEveryRow() throws {
        let rows = 3, columns = 5
        let x = rng.floats(rows * columns), bias = rng.floats(columns)
        let tensor = try cpu.tensor(x)
        try cpu.run(.addBias(AddBias(rows: rows, columns: columns, tensor: tensor, bias: cpu.tensor(bias))))
        close(try cpu.read(tensor), (0..<rows * columns).map { Double(x[$0]) + Double(bias[$0 % columns]) }, "x + bias")
    }

    /// The Keras definitions, written out independently of ``Activation``.
    static func reference(_ activation: Activation, _ x: Double) -> Double {
        switch activation {
        case .linear: return x
        case .tanh: return Foundation.tanh(x)
        case .sigmoid: return 1 / (1 + Foundation.exp(-x))
        case .relu: return Swift.max(x, 0)
        case .hardSigmoid: return Swift.max(0, Swift.min(1, x / 6 + 0.5))   // relu6(x + 3) / 6
        }
    }

    /// Points on every piece (hard sigmoid saturates beyond ±3), none within 0.05 of a kink.
    static let activationPoints: [Double] = [-7, -4.2, -3.3, -2.9, -1.1, -0.4, -0.05, 0.07, 0.3, 0.9, 2.5, 2.95, 3.4, 5, 8]

    func testActivationForwardMatchesKerasDefinitions() throws {
        for activation in Activation.allCases {
            let x = Self.activationPoints.map { Float($0) } + [-100, 100]
            let out = try cpu.zeros(x.count)
            try cpu.run(.activationForward(ActivationForward(activation, input: cpu.tensor(x), output: out)))
            close(try cpu.read(out), x.map { Self.reference(activation, Double($0)) }, "\(activation.kerasName) forward")
        }
    }

    func testActivationDerivativeFromOutputMatchesFiniteDifferencesInDouble() {
        // Central differences, h = 1e-6: error ≈ 1e-12 truncation + 1e-10 round-off.
        let h = 1e-6
        for activation in Activation.allCases {
            for x in Self.activationPoints {
                let numeric = (Self.reference(activation, x + h) - Self.reference(activation, x - h)) / (2 * h)
                let analytic = activation.derivative(output: activation.apply(x))
                XCTAssertEqual(analytic, numeric, accuracy: 1e-8, "\(activation.kerasName)'(\(x))")
            }
        }
    }

    func testActivationBackwardMultipliesByTheDerivativeAndWorksInPlace() throws {
        let h = 1e-6
        for activation in Activation.allCases {
            let x = Self.activationPoints.filter { abs($0) < 4.5 }.map { Float($0) }
            let dy = rng.floats(x.count)
            let y = try cpu.zeros(x.count)
            try cpu.run(.activationForward(ActivationForward(activation, input: cpu.tensor(x), output: y)))
            let gradient = try cpu.tensor(dy)   // in place: outputGradient and inputGradient are one tensor
            try cpu.run(.activationBackward(ActivationBackward(activation, output: y, outputGradient: gradient, inputGradient: gradient)))
            let expected = zip(x, dy).map { x, dy in
                Double(dy) * (Self.reference(activation, Double(x) + h) - Self.reference(activation, Double(x) - h)) / (2 * h)
            }
            // 1 − y² loses digits near saturation: |y| ≤ 0.9993 here, error ≲ 2e-7.
            close(try cpu.read(gradient), expected, "\(activation.kerasName) backward")
        }
    }

    func testSoftmaxRowsMatchDefinitionAndSurviveHugeLogits() throws {
        let rows = 3, columns = 7
        var x = rng.floats(rows * columns, in: -3...3)
        for c in 0..<columns { x[2 * columns + c] = 1000 - Float(c) }   // exp would overflow without the max shift
        let tensor = try cpu.tensor(x)
        try cpu.run(.softmax(Softmax(rows: rows, columns: columns, input: tensor, output: tensor)))   // in place
        var expected = [Double]()
        for r in 0..<rows {
            let row = x[r * columns..<(r + 1) * columns].map(Double.init)
            let top = row.max()!, sum = row.map { Foundation.exp($0 - top) }.reduce(0, +)
            expected += row.map { Foundation.exp($0 - top) / sum }
        }
        close(try cpu.read(tensor), expected, "softmax")
    }

    func testMultiplyAndMultiplyBroadcast() throws {
        let a = rng.floats(6), b = rng.floats(6)
        let out = try cpu.zeros(6)
        try cpu.run(.multiply(Multiply(try cpu.tensor(a), try cpu.tensor(b), output: out)))
        close(try cpu.read(out), zip(a, b).map { Double($0) * Double($1) }, "a ⊙ b")

        let repeats = 4, width = 3
        let x = rng.floats(repeats * width), factor = rng.floats(width)
        let y = try cpu.zeros(repeats * width)
        try cpu.run(.multiplyBroadcast(MultiplyBroadcast(repeats: repeats, input: cpu.tensor(x), factor: cpu.tensor(factor), output: y)))
        close(try cpu.read(y), (0..<repeats * width).map { Double(x[$0]) * Double(factor[$0 % width]) }, "x ⊙ broadcast factor")
    }

    func testAxpby() throws {
        let x = rng.floats(9), y0 = rng.floats(9)
        let y = try cpu.tensor(y0)
        try cpu.run(.axpby(Axpby(alpha: 0.75, x: try cpu.tensor(x), beta: -2, y: y)))
        close(try cpu.read(y), (0..<9).map { 0.75 * Double(x[$0]) - 2 * Double(y0[$0]) }, "0.75·x − 2·y")
    }

    func testSumRowsWithBeta() throws {
        let rows = 5, columns = 3
        let x = rng.floats(rows * columns), y0 = rng.floats(columns)
        let sums = columnSums(x.map(Double.init), columns: columns)
        for beta: Float in [0, 1, 0.5] {
            let y = try cpu.tensor(y0)
            try cpu.run(.sumRows(SumRows(rows: rows, columns: columns, input: cpu.tensor(x), beta: beta, output: y)))
            close(try cpu.read(y), (0..<columns).map { Double(beta) * Double(y0[$0]) + sums[$0] }, "sumRows beta=\(beta)")
        }
    }

    /// At a size the workers split, with 64-column blocks and a tail: each column is the
    /// ascending-row Float sum, bit for bit.
    func testSumRowsOfAWideMatrixSumsEachColumnInRowOrder() throws {
        let cpu = CPUBackend(threads: 2)
        let rows = 300, columns = 200
        let x = rng.floats(rows * columns), y0 = rng.floats(columns)
        for beta: Float in [0, 0.5] {
            let y = try cpu.tensor(y0)
            try cpu.run(.sumRows(SumRows(rows: rows, columns: columns, input: cpu.tensor(x), beta: beta, output: y)))
            let expected = (0..<columns).map { column -> Float in
                var sum: Float = 0
                for row in 0..<rows { sum += x[row * columns + column] }
                return (beta == 0 ? 0 : beta * y0[column]) + sum
            }
            XCTAssertEqual(try cpu.read(y), expected, "beta \(beta)")
        }
    }

    // MARK: dropout

    func dropoutMask(count: Int, rate: Float, seed: UInt64, step: UInt64, stream: UInt32) throws -> [Float] {
        let mask = try cpu.zeros(count)
        try cpu.run(.dropoutMask(DropoutMask(mask: mask, rate: rate, seed: seed, step: step, stream: stream)))
        return try cpu.read(mask)
    }

    func testDropoutMaskKeepsAboutOneMinusRateAndScalesKeptValues() throws {
        let n = 100_000, rate: Float = 0.3, keep: Float = 1 / (1 - rate)
        let mask = try dropoutMask(count: n, rate: rate, seed: 1234, step: 5, stream: 2)
        XCTAssertTrue(mask.allSatisfy { $0 == 0 || $0 == keep }, "every element is 0 or 1/(1 − rate)")
        // Binomial standard deviation sqrt(0.3·0.7/1e5) ≈ 0.00145: the bound is about 7σ.
        let kept = Double(mask.filter { $0 != 0 }.count) / Double(n)
        XCTAssertEqual(kept, 0.7, accuracy: 0.01)
        // The documented bits: element i is kept iff its Philox uniform is ≥ rate.
        let uniforms = Philox(seed: 1234).uniforms(count: n, stream: 2, step: 5)
        XCTAssertEqual(mask.map { $0 != 0 }, uniforms.map { $0 >= rate })
    }

    func testDropoutMaskStepTensorGivesTheSameMaskAsTheStepValue() throws {
        let cpu = CPUBackend()
        let step: UInt64 = 0x1_0000_0002
        let fixed = try cpu.zeros(101), fromTensor = try cpu.zeros(101), other = try cpu.zeros(101)
        try cpu.run(.dropoutMask(DropoutMask(mask: fixed, rate: 0.5, seed: 4, step: step, stream: 1)))
        let counter = try cpu.intTensor(DropoutMask.stepWords(step))
        try cpu.run(.dropoutMask(DropoutMask(mask: fromTensor, rate: 0.5, seed: 4, step: 99, stepTensor: counter, stream: 1)))
        XCTAssertEqual(try cpu.read(fromTensor), try cpu.read(fixed))
        try cpu.write(DropoutMask.stepWords(step + 1), to: counter)
        try cpu.run(.dropoutMask(DropoutMask(mask: other, rate: 0.5, seed: 4, stepTensor: counter, stream: 1)))
        XCTAssertNotEqual(try cpu.read(other), try cpu.read(fixed), "a new step draws a new mask")
    }

    func testDropoutMaskDependsOnlyOnSeedStepAndStream() throws {
        let n = 4_099, rate: Float = 0.5
        let base = try dropoutMask(count: n, rate: rate, seed: 77, step: 3, stream: 1)
        assertBitwiseEqual(try dropoutMask(count: n, rate: rate, seed: 77, step: 3, stream: 1), base, "same seed, step, stream")
        // Independent masks agree on about half the elements; require a clear difference.
        for (what, other) in [("step", try dropoutMask(count: n, rate: rate, seed: 77, step: 4, stream: 1)),
                              ("stream", try dropoutMask(count: n, rate: rate, seed: 77, step: 3, stream: 2)),
                              ("seed", try dropoutMask(count: n, rate: rate, seed: 78, step: 3, stream: 1))] {
            let differing = zip(base, other).filter { $0 != $1 }.count
            XCTAssertGreaterThan(differing, n / 4, "changing the \(what) must change the mask")
        }
        XCTAssertTrue(try dropoutMask(count: 10, rate: 0, seed: 1, step: 0, stream: 0).allSatisfy { $0 == 1 }, "rate 0 keeps all")
    }
}
