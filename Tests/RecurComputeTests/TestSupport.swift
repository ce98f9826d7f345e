import XCTest
@testable import RecurCompute

// Small helpers shared by the compute-core tests: a seeded generator (every random input is
// reproducible from the seed written in the test), a tolerance comparison that names the first
// mismatching indices, a naive Double matrix product, and central finite differences.

/// Test inputs drawn from the library's seeded generator.
extension SplitMix64 {
    mutating func doubles(_ count: Int, in range: ClosedRange<Double> = -1...1) -> [Double] {
        (0..<count).map { _ in Double.random(in: range, using: &self) }
    }

    mutating func floats(_ count: Int, in range: ClosedRange<Float> = -1...1) -> [Float] {
        (0..<count).map { _ in Float.random(in: range, using: &self) }
    }

    mutating func ints(_ count: Int, in range: ClosedRange<Int32>) -> [Int32] {
        (0..<count).map { _ in Int32.random(in: range, using: &self) }
    }
}

/// One element that failed a tolerance comparison.
struct Mismatch: CustomStringConvertible {
    var index: Int
    var actual: Double
    var expected: Double
    var description: String { "[\(index)] got \(actual), expected \(expected) (diff \(abs(actual - expected)))" }
}

/// The elements where `|actual − expected| > max(absolute, relative · max(|actual|, |expected|))`
/// (NaN never passes). A count mismatch is reported as one mismatch at index −1.
func mismatches<T: BinaryFloatingPoint>(_ actual: [T], _ expected: [T], relative: Double, absolute: Double) -> [Mismatch] {
    guard actual.count == expected.count else {
        return [Mismatch(index: -1, actual: Double(actual.count), expected: Double(expected.count))]
    }
    var result = [Mismatch]()
    for i in actual.indices {
        let a = Double(actual[i]), e = Double(expected[i])
        let bound = max(absolute, relative * max(abs(a), abs(e)))
        if !(abs(a - e) <= bound) { result.append(Mismatch(index: i, actual: a, expected: e)) }
    }
    return result
}

/// Asserts element-wise closeness (see ``mismatches``); on failure prints how many elements
/// failed, the largest error, and the first five mismatches with their indices.
func assertClose<T: BinaryFloatingPoint>(_ actual: [T], _ expected: [T], relative: Double, absolute: Double,
                                         _ what: @autoclosure () -> String,
                                         file: StaticString = #filePath, line: UInt = #line) {
    let bad = mismatches(actual, expected, relative: relative, absolute: absolute)
    guard !bad.isEmpty else { return }
    let worst = bad.map { abs($0.actual - $0.expected) }.max() ?? .nan
    XCTFail("\(what()): \(bad.count) of \(expected.count) elements outside tolerance (relative \(relative), absolute \(absolute)); "
            + "max error \(worst); first: " + bad.prefix(5).map(\.description).joined(separator: "; "),
            file: file, line: line)
}

/// Exact equality of the bit patterns (so −0 ≠ +0 and NaN == NaN), reporting the first differences.
func assertBitwiseEqual(_ actual: [Float], _ expected: [Float], _ what: @autoclosure () -> String,
                        file: StaticString = #filePath, line: UInt = #line) {
    guard actual.count == expected.count else {
        return XCTFail("\(what()): \(actual.count) elements, expected \(expected.count)", file: file, line: line)
    }
    let bad = actual.indices.filter { actual[$0].bitPattern != expected[$0].bitPattern }
    guard !bad.isEmpty else { return }
    XCTFail("\(what()): \(bad.count) elements differ; first: "
            + bad.prefix(5).map { "[\($0)] \(actual[$0]) vs \(expected[$0])" }.joined(separator: "; "), file: file, line: line)
}

/// `op(A) · op(B)` for row-major `A` (`[m, k]`, or `[k, m]` when `transposeA`) and `B` (`[k, n]`,
/// or `[n, k]`), accumulated in Double in index order: the reference every product is checked against.
func matmul(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int, transposeA: Bool = false, transposeB: Bool = false) -> [Double] {
    precondition(a.count == m * k && b.count == k * n, "matmul operands do not match [\(m),\(k)]×[\(k),\(n)]")
    var c = [Double](repeating: 0, count: m * n)
    for i in 0..<m {
        for j in 0..<n {
            var sum = 0.0
            for p in 0..<k {
                let av = transposeA ? a[p * m + i] : a[i * k + p]
                let bv = transposeB ? b[j * k + p] : b[p * n + j]
                sum += av * bv
            }
            c[i * n + j] = sum
        }
    }
    return c
}

func dot(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    var sum = 0.0
    for i in a.indices { sum += a[i] * b[i] }
    return sum
}

/// Column sums of a row-major `[rows, columns]` matrix.
func columnSums(_ x: [Double], columns: Int) -> [Double] {
    var sums = [Double](repeating: 0, count: columns)
    for (i, v) in x.enumerated() { sums[i % columns] += v }
    return sums
}

/// Central differences `(f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h` for every element of `x`.
func centralDifferences(at x: [Double], step h: Double, _ f: ([Double]) -> Double) -> [Double] {
    var probe = x
    return x.indices.map { i in
        probe[i] = x[i] + h
        let plus = f(probe)
        probe[i] = x[i] - h
        let minus = f(probe)
        probe[i] = x[i]
        return (plus - minus) / (2 * h)
    }
}

/// Host memory for calling the pointer-based math (``CellMath``) directly: every allocation lives
/// until `release()`, so pointers handed to a call cannot dangle.
final class PointerArena {
    private var blocks = [UnsafeMutablePointer<Double>]()

    func copy(_ values: [Double]) -> UnsafeMutablePointer<Double> {
        let p = UnsafeMutablePointer<Double>.allocate(capacity: max(values.count, 1))
        p.initialize(repeating: 0, count: max(values.count, 1))
        for (i, v) in values.enumerated() { p[i] = v }
        blocks.append(p)
        return p
    }

    func filled(_ count: Int, with value: Double) -> UnsafeMutablePointer<Double> {
        copy([Double](repeating: value, count: count))
    }

    func release() {
        for p in blocks { p.deallocate() }
        blocks.removeAll()
    }

    deinit { release() }
}

func array(_ p: UnsafeMutablePointer<Double>, _ count: Int) -> [Double] {
    Array(UnsafeBufferPointer(start: p, count: count))
}

/// A recurrent dropout mask of `count` elements with values 0 or `1/(1 − rate)`; element 0 is
/// always dropped and element 1 (when there is one) always kept, so both paths are exercised.
func dropoutMaskValues(_ count: Int, rate: Double, using generator: inout SplitMix64) -> [Double] {
    var values = (0..<count).map { _ in Double.random(in: 0..<1, using: &generator) < rate ? 0 : 1 / (1 - rate) }
    values[0] = 0
    if count > 1 { values[1] = 1 / (1 - rate) }
    return values
}
