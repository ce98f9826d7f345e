import Foundation
import RecurCompute

/// `recur verify`'s table: one row per op and device (the worst error over its shapes), or per
/// shape with `--verbose`, followed by the first mismatches of every failure.
enum VerifyTable {
    static func render(_ report: VerificationReport, verbose: Bool) -> String {
        var groups: [(key: String, results: [CheckResult])] = []
        for result in report.results {
            let key = verbose ? "\(result.device)|\(result.check)|\(result.shape)" : "\(result.device)|\(result.check)"
            if let index = groups.firstIndex(where: { $0.key == key }) { groups[index].results.append(result) }
            else { groups.append((key, [result])) }
        }
        var rows: [[String]] = []
        var details: [String] = []
        for group in groups {
            let results = group.results
            let first = results[0]
            let failed = results.filter { !$0.passed }
            let maxAbs = results.map(\.maxAbsoluteError).max() ?? 0
            let maxRel = results.map(\.maxRelativeError).max() ?? 0
            let shapes = verbose ? first.shape : (results.count == 1 ? first.shape : "\(results.count) shapes")
            let tolerance = first.tolerance == .exact ? "exact" : "\(Table.scientific(first.tolerance.absolute)) + \(Table.scientific(first.tolerance.relative))·|ref|"
            rows.append([first.device, first.check, shapes, Table.scientific(maxAbs), Table.scientific(maxRel), tolerance,
                         failed.isEmpty ? "ok" : "FAIL"])
            for failure in failed {
                let reason = failure.error ?? failure.mismatches.joined(separator: "; ")
                details.append("FAIL \(failure.device) \(failure.check) \(failure.shape): \(reason)")
            }
        }
        let table = Table.render(header: ["device", "op", "shape", "max abs err", "max rel err", "tolerance", "status"], rows: rows)
        return details.isEmpty ? table : table + "\n\n" + details.joined(separator: "\n")
    }

    static func json(_ report: VerificationReport) -> Data {
        let results: [[String: Any]] = report.results.map { r in
            ["device": r.device, "op": r.check, "kind": r.kind.rawValue, "shape": r.shape,
             "max_abs_error": Double(r.maxAbsoluteError), "max_rel_error": Double(r.maxRelativeError),
             "passed": r.passed, "mismatches": r.mismatches, "error": r.error ?? NSNull()]
        }
        let object: [String: Any] = ["passed": report.passed, "results": results, "build_failures": report.buildFailures]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
    }
}
