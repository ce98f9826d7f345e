import XCTest
@testable import RecurCompute

/// RowGEMM's AVX-512 blocks of six, four and three rows, over one panel or two
/// (``RowGEMM/wideRows(_:panels:_:column:k:alpha:a:b:ldb:panelStride:beta:c:ldc:)``), against the
/// AVX2 blocks they stand in for, bit for bit: A read along
/// its rows and down its columns, split into a second block, or started from shared partial
/// sums; B packed or in place; every alpha and beta branch.
final class RowGEMMWideTests: XCTestCase {
    /// How A's six rows are laid out for one case.
    enum Layout: CaseIterable { case rows, transposed, split, initial }

    struct Case {
        let layout: Layout, k: Int, packed: Bool, alpha: Float, beta: Float
    }

    var cases: [Case] {
        Layout.allCases.flatMap { layout in
            [1, 7, 64, 130].flatMap { k in
                [false, true].flatMap { packed in
                    [(Float(1), Float(0)), (0.5, 0), (1, 1), (0.75, 0.25)].map { Case(layout: layout, k: k, packed: packed, alpha: $0.0, beta: $0.1) }
                }
            }
        }
    }

    /// Runs `body` on fresh operands for `c`: A's rows (from row 2 of a larger A, so row offsets
    /// count), a 32-column B (two panels) and a C to write, each kernel getting its own copy of C.
    func withOperands(_ c: Case, _ random: inout SplitMix64,
                      _ body: (RowGEMM.Rows, UnsafePointer<Float>, Int, Int, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) {
        let rows = 8, n = 32, ldc = 40, lda = c.k + 3, split = c.k / 2
        let a = random.floats(rows * lda * 2 + 64, in: -1...1), second = random.floats(rows * (c.k + 5), in: -1...1)
        let initial = random.floats(n, in: -2...2)
        let source = random.floats(c.k * n, in: -1...1)
        let cStart = random.floats(rows * ldc, in: -1...1)
        a.withUnsafeBufferPointer { a in
            second.withUnsafeBufferPointer { second in
                initial.withUnsafeBufferPointer { initial in
                    var rowsOfA: RowGEMM.Rows
                    switch c.layout {
                    case .rows: rowsOfA = .init(a.baseAddress!, rowStride: lda, kStride: 1)
                    case .transposed: rowsOfA = .init(a.baseAddress!, rowStride: 1, kStride: rows + 1)
                    case .split:
                        rowsOfA = .init(a.baseAddress!, rowStride: lda, kStride: 1)
                        rowsOfA.continueAt(split, in: second.baseAddress!, rowStride: c.k + 5)
                    case .initial:
                        rowsOfA = .init(second.baseAddress!, rowStride: 0, kStride: 1)
                        rowsOfA.continueAt(split, in: second.baseAddress!, rowStride: c.k + 5)
                        rowsOfA.initial = initial.baseAddress!
                    }
                    let b = UnsafeMutablePointer<Float>.allocate(capacity: RowGEMM.PackedB.count(n: n, k: c.k))
                    let want = UnsafeMutablePointer<Float>.allocate(capacity: rows * ldc), got = UnsafeMutablePointer<Float>.allocate(capacity: rows * ldc)
                    defer { b.deallocate(); want.deallocate(); got.deallocate() }
                    let (ldb, panelStride): (Int, Int)
                    if c.packed {
                        source.withUnsafeBufferPointer { _ = RowGEMM.PackedB.pack($0.baseAddress!, ldb: n, transposed: false, n: n, k: c.k, into: b) }
                        (ldb, panelStride) = (RowGEMM.panelWidth, RowGEMM.panelWidth * c.k)
                    } else {
                        b.update(from: source, count: source.count)
                        (ldb, panelStride) = (n, RowGEMM.panelWidth)
                    }
                    want.update(from: cStart, count: cStart.count)
                    got.update(from: cStart, count: cStart.count)
                    body(rowsOfA, b, ldb, panelStride, want, got, ldc)
                }
            }
        }
    }

    func testWideBlocksGiveTheAVX2BlocksBits() throws {
        guard CellKernels.width == .avx512 else { throw XCTSkip("this CPU has no AVX-512: RowGEMM runs its AVX2 blocks only") }
        var random = SplitMix64(seed: 31)
        for c in cases {
            let label = "\(c.layout), k \(c.k), \(c.packed ? "packed" : "in place"), alpha \(c.alpha), beta \(c.beta)"
            for rowCount in [6, 4, 3] {
                for panels in [1, 2] {
                    withOperands(c, &random) { a, b, ldb, panelStride, want, got, ldc in
                        // As the blocks call them: column j of a row read at `b + j`.
                        func panel(_ j: Int) -> UnsafePointer<Float> { UnsafePointer(b) + (j / RowGEMM.panelWidth) * panelStride - j }
                        for j in stride(from: 0, to: 2 * RowGEMM.panelWidth, by: RowGEMM.panelWidth) {
                            if rowCount == 6 {
                                RowGEMM.sixRows(2, column: j, k: c.k, alpha: c.alpha, a: a, b: panel(j), ldb: ldb, beta: c.beta, c: want, ldc: ldc)
                            } else {
                                RowGEMM.fewRows(2, rowCount, columns: j..<(j + RowGEMM.panelWidth), k: c.k, alpha: c.alpha, a: a, b: panel(j),
                                                ldb: ldb, beta: c.beta, c: want, ldc: ldc)
                            }
                        }
                        for j in stride(from: 0, to: 2 * RowGEMM.panelWidth, by: panels * RowGEMM.panelWidth) {
                            RowGEMM.wideRows(rowCount, panels: panels, 2, column: j, k: c.k, alpha: c.alpha, a: a, b: panel(j), ldb: ldb,
                                             panelStride: panelStride, beta: c.beta, c: got, ldc: ldc)
                        }
                        let values = { (c: UnsafeMutablePointer<Float>) in Array(UnsafeBufferPointer(start: c, count: 8 * ldc)) }
                        assertBitwiseEqual(values(got), values(want), "\(rowCount) rows, \(panels) panel(s) a call, \(label)")
                    }
                }
            }
        }
    }
}
