import XCTest
@testable import RecurCompute

/// A product whose A, B or C is held as two blocks of columns (``SecondColumns``) gives what the
/// same product over the columns side by side in one tensor gives: the CPU backend's RowGEMM
/// paths read and write the blocks in one pass, to the bit; its other paths and OpenCL run the
/// product's ``GEMM/singleTensorParts``, whose sums along a split k round differently.
final class GEMMSecondColumnsTests: XCTestCase {
    /// `directions`: A and Bᵀ split along k at `column`, C along n at `cColumn` — a Bidirectional
    /// layer's two input gradients as one product into the two halves of the layer below's.
    /// `projections`: A split along k at `column`, B and C along n at `cColumn` — its two
    /// directions' input projections as one product.
    enum Split: String { case aAlongK, aAlongM, cAlongN, directions, projections }

    struct Case {
        let split: Split
        let m: Int, n: Int, k: Int
        let column: Int
        var transposeB = false
        var beta: Float = 0
        var columnSums = false
        var cColumn = 0
        /// The CPU backend reads the blocks in one pass in RowGEMM here: the same bits.
        let oneRowGEMMPass: Bool
    }

    static let cases: [Case] = [
        // The input projection over a Bidirectional layer's outputs (RowGEMM), and past RowGEMM's k (OpenBLAS, parts).
        Case(split: .aAlongK, m: 302, n: 128, k: 128, column: 64, beta: 0.5, oneRowGEMMPass: true),
        Case(split: .aAlongK, m: 50, n: 40, k: 300, column: 150, oneRowGEMMPass: false),
        // Its weight gradient, split along k in RowGEMM, with the bias's sums; and short (OpenBLAS, parts).
        Case(split: .aAlongM, m: 128, n: 64, k: 4096, column: 64, columnSums: true, oneRowGEMMPass: true),
        Case(split: .aAlongM, m: 20, n: 24, k: 300, column: 7, oneRowGEMMPass: false),
        // Its input gradient into the two directions' gradients, added (the second direction's),
        // on C's panels; off them (parts); and past RowGEMM's k.
        Case(split: .cAlongN, m: 302, n: 128, k: 128, column: 64, transposeB: true, beta: 1, oneRowGEMMPass: true),
        Case(split: .cAlongN, m: 33, n: 40, k: 24, column: 20, transposeB: true, oneRowGEMMPass: false),
        Case(split: .cAlongN, m: 33, n: 40, k: 300, column: 16, transposeB: true, oneRowGEMMPass: false),
        // Both directions' input gradients at once (stacked-bilstm's second layer, fewer rows); C
        // off the panels, and past RowGEMM's k (four parts).
        Case(split: .directions, m: 302, n: 128, k: 256, column: 128, transposeB: true, cColumn: 64, oneRowGEMMPass: true),
        Case(split: .directions, m: 33, n: 40, k: 24, column: 12, transposeB: true, beta: 1, cColumn: 20, oneRowGEMMPass: false),
        Case(split: .directions, m: 33, n: 40, k: 300, column: 150, transposeB: true, cColumn: 16, oneRowGEMMPass: false),
        // Both directions' input projections at once; off the panels, and past RowGEMM's k.
        Case(split: .projections, m: 302, n: 256, k: 128, column: 64, cColumn: 128, oneRowGEMMPass: true),
        Case(split: .projections, m: 33, n: 40, k: 24, column: 12, beta: 0.5, cColumn: 20, oneRowGEMMPass: false),
        Case(split: .projections, m: 33, n: 40, k: 300, column: 150, cColumn: 16, oneRowGEMMPass: false),
    ]

    /// A row-major `[rows, width]` matrix's columns before `column` and from it, each a tensor.
    static func blocks(_ values: [Float], width: Int, at column: Int, on backend: Backend) throws -> (FloatRef, FloatRef) {
        (try backend.tensor(columns(values, width: width, 0..<column)), try backend.tensor(columns(values, width: width, column..<width)))
    }

    /// Two row-major blocks of columns side by side again.
    static func merged(_ left: [Float], _ right: [Float], rows: Int, leftWidth: Int, rightWidth: Int) -> [Float] {
        var merged: [Float] = []
        for row in 0..<rows {
            merged += left[(row * leftWidth)..<((row + 1) * leftWidth)]
            merged += right[(row * rightWidth)..<((row + 1) * rightWidth)]
        }
        return merged
    }

    /// Columns `columns` of a row-major `[rows, width]` matrix.
    static func columns(_ values: [Float], width: Int, _ columns: Range<Int>) -> [Float] {
        stride(from: 0, to: values.count, by: width).flatMap { values[($0 + columns.lowerBound)..<($0 + columns.upperBound)] }
    }

    /// The product over whole tensors, and over the blocks, C and the column sums read back as
    /// whole `[m, n]` and `[n]`.
    func products(_ c: Case, on backend: Backend) throws -> (whole: [Float], split: [Float], sums: [Float]?, wholeSums: [Float]?) {
        var random = SplitMix64(seed: UInt64(c.m * 31 + c.n * 7 + c.k))
        let transposeA = c.split == .aAlongM
        let (aRows, aCols) = transposeA ? (c.k, c.m) : (c.m, c.k)
        let a = random.floats(aRows * aCols), b = random.floats(c.k * c.n), c0 = random.floats(c.m * c.n)
        let (aTensor, bTensor) = (try backend.tensor(a), try backend.tensor(b))
        let wholeC = try backend.tensor(c0)
        let wholeSums = c.columnSums ? try backend.zeros(c.n) : nil
        try backend.run(.gemm(GEMM(transposeA: transposeA, transposeB: c.transposeB, m: c.m, n: c.n, k: c.k, a: aTensor, b: bTensor,
                                   beta: c.beta, c: wholeC, columnSums: wholeSums)))
        let splitSums = c.columnSums ? try backend.zeros(c.n) : nil
        let split: [Float]
        switch c.split {
        case .aAlongK, .aAlongM:
            let first = try backend.tensor(Self.columns(a, width: aCols, 0..<c.column))
            let second = try backend.tensor(Self.columns(a, width: aCols, c.column..<aCols))
            let out = try backend.tensor(c0)
            try backend.run(.gemm(GEMM(transposeA: transposeA, transposeB: c.transposeB, m: c.m, n: c.n, k: c.k, a: first, b: bTensor,
                                       beta: c.beta, c: out, lda: c.column, columnSums: splitSums,
                                       aSecond: SecondColumns(column: c.column, tensor: second, ld: aCols - c.column))))
            split = try backend.read(out)
        case .cAlongN:
            let first = try backend.tensor(Self.columns(c0, width: c.n, 0..<c.column))
            let second = try backend.tensor(Self.columns(c0, width: c.n, c.column..<c.n))
            try backend.run(.gemm(GEMM(transposeA: false, transposeB: c.transposeB, m: c.m, n: c.n, k: c.k, a: aTensor, b: bTensor,
                                       beta: c.beta, c: first, ldc: c.column,
                                       cSecond: SecondColumns(column: c.column, tensor: second, ld: c.n - c.column))))
            split = Self.merged(try backend.read(first), try backend.read(second), rows: c.m, leftWidth: c.column, rightWidth: c.n - c.column)
        case .directions, .projections:
            // B split where A is along k (its stored `[n, k]` columns, transposed), or where C is along n.
            let (bWidth, bColumn) = c.split == .directions ? (c.k, c.column) : (c.n, c.cColumn)
            let (aFirst, aRest) = try Self.blocks(a, width: c.k, at: c.column, on: backend)
            let (bFirst, bRest) = try Self.blocks(b, width: bWidth, at: bColumn, on: backend)
            let (cFirst, cRest) = try Self.blocks(c0, width: c.n, at: c.cColumn, on: backend)
            try backend.run(.gemm(GEMM(transposeB: c.transposeB, m: c.m, n: c.n, k: c.k, a: aFirst, b: bFirst, beta: c.beta, c: cFirst,
                                       lda: c.column, ldb: bColumn, ldc: c.cColumn,
                                       aSecond: SecondColumns(column: c.column, tensor: aRest, ld: c.k - c.column),
                                       cSecond: SecondColumns(column: c.cColumn, tensor: cRest, ld: c.n - c.cColumn),
                                       bSecond: SecondColumns(column: bColumn, tensor: bRest, ld: bWidth - bColumn))))
            split = Self.merged(try backend.read(cFirst), try backend.read(cRest), rows: c.m, leftWidth: c.cColumn, rightWidth: c.n - c.cColumn)
        }
        return (try backend.read(wholeC), split, try splitSums.map { try backend.read($0) }, try wholeSums.map { try backend.read($0) })
    }

    func testBlocksOfColumnsGiveTheProductOverWholeTensors() throws {
        var backends: [Backend] = [CPUBackend(threads: 2), CPUBackend(threads: 1)]
        if let device = try? firstOpenCLDevice() { backends.append(try OpenCLBackend(entry: device, cache: nil)) }
        for backend in backends {
            for c in Self.cases {
                let label = "\(backend.device.identifier) \(c.split) m=\(c.m) n=\(c.n) k=\(c.k) at \(c.column)"
                let (whole, split, sums, wholeSums) = try products(c, on: backend)
                if backend is CPUBackend && c.oneRowGEMMPass {
                    XCTAssertEqual(split.map(\.bitPattern), whole.map(\.bitPattern), label)
                } else {
                    for (index, (got, expected)) in zip(split, whole).enumerated() {
                        XCTAssertEqual(got, expected, accuracy: 1e-4 * (1 + abs(expected)), "\(label): element \(index)")
                    }
                }
                XCTAssertEqual(split.count, c.m * c.n, label)
                if let sums, let wholeSums { XCTAssertEqual(sums, wholeSums, label) }
            }
        }
    }

    func testTheOpRefusesBlocksItCannotRead() throws {
        let cpu = CPUBackend()
        let (a, b, c, second) = (try cpu.zeros(24), try cpu.zeros(12), try cpu.zeros(8), try cpu.zeros(24))
        // A `[2, 3]` whose columns from `column` on are in `second`.
        func splitA(_ column: Int, ld: Int, batch: Int = 1, c: FloatRef? = nil) -> GEMM {
            GEMM(m: 2, n: 4, k: 3, a: a, b: b, c: c ?? second.slice(12, 8), lda: column, batch: batch,
                 aSecond: SecondColumns(column: column, tensor: second.slice(0, 12), ld: ld))
        }
        XCTAssertNoThrow(try splitA(1, ld: 2).validate())
        XCTAssertThrowsError(try splitA(0, ld: 3).validate(), "no first block")
        XCTAssertThrowsError(try splitA(3, ld: 1).validate(), "no second block")
        XCTAssertThrowsError(try splitA(1, ld: 1).validate(), "ld shorter than the block")
        XCTAssertThrowsError(try splitA(1, ld: 2, batch: 2).validate(), "batched")
        XCTAssertThrowsError(try splitA(1, ld: 2, c: second.slice(0, 8)).validate(), "C over the second block")
        var both = splitA(1, ld: 2)
        both.cSecond = SecondColumns(column: 2, tensor: c, ld: 2)
        XCTAssertNoThrow(try both.validate(), "both A and C split")
        both.sharedRowsOfLoop = c
        XCTAssertNoThrow(try both.validate(), "equal rows shared with C split")
        // `A · Bᵀ` with Bᵀ `[4, 3]` split where A is.
        func splitB(_ column: Int, transposeB: Bool = true, aSplit: Bool = true) -> GEMM {
            GEMM(transposeB: transposeB, m: 2, n: 4, k: 3, a: a, b: b, c: c, lda: aSplit ? 1 : 3, ldb: transposeB ? column : 4,
                 aSecond: aSplit ? SecondColumns(column: 1, tensor: second.slice(0, 12), ld: 2) : nil,
                 bSecond: SecondColumns(column: column, tensor: second.slice(12, 12), ld: 3 - column))
        }
        XCTAssertNoThrow(try splitB(1).validate())
        XCTAssertThrowsError(try splitB(2).validate(), "B split elsewhere than A")
        XCTAssertThrowsError(try splitB(1, aSplit: false).validate(), "B split without A")
        XCTAssertThrowsError(try splitB(1, transposeB: false).validate(), "B's columns along n split where C's are not")
        // `A · B` with B `[3, 4]` and C `[2, 4]` split at column 2.
        func splitBAlongN(_ column: Int, cColumn: Int? = 2) -> GEMM {
            GEMM(m: 2, n: 4, k: 3, a: a, b: b, c: c, ldb: column, ldc: cColumn ?? 4,
                 cSecond: cColumn.map { SecondColumns(column: $0, tensor: second.slice(0, 4), ld: 2) },
                 bSecond: SecondColumns(column: column, tensor: second.slice(12, 12), ld: 4 - column))
        }
        XCTAssertNoThrow(try splitBAlongN(2).validate())
        XCTAssertThrowsError(try splitBAlongN(1).validate(), "B split elsewhere than C")
        XCTAssertThrowsError(try splitBAlongN(2, cColumn: nil).validate(), "B split along n without C")
        // C `[3, 4]` of `Aᵀ · B` whose columns from 2 on are in `second`.
        var splitC = GEMM(transposeA: true, m: 3, n: 4, k: 2, a: a, b: b, c: c, ldc: 2,
                          cSecond: SecondColumns(column: 2, tensor: second, ld: 2))
        XCTAssertNoThrow(try splitC.validate())
        splitC.columnSums = try cpu.zeros(4)
        XCTAssertThrowsError(try splitC.validate(), "C's second block with column sums")
    }
}
