import RecurBenchmark

/// The terminal tables of `recur bench`.
enum BenchTables {
    static func ms(_ value: Double) -> String { Table.format(value, value < 10 ? 2 : 1) }

    static func rate(_ value: Double) -> String {
        value >= 1e6 ? Table.format(value / 1e6, 2) + "M" : value >= 1e4 ? Table.format(value / 1e3, 1) + "k" : Table.format(value, 0)
    }

    static func results(_ records: [BenchmarkRecord]) -> String {
        let header = ["preset", "device", "train ms/step", "min–max", "pipelined", "document", "doc/Recur", "infer ms",
                      "train seq/s", "tokens/s", "GFLOP/s", "of peak", "memory", "first loss"]
        let rows = records.map { r -> [String] in
            let document = DocumentTiming.forPreset(r.preset)
            return [r.preset, r.device, ms(r.trainMsMedian), "\(ms(r.trainMsMin))–\(ms(r.trainMsMax))", ms(r.trainMsPipelined),
                    document?.label ?? "—", r.documentSpeedUp.map { Table.format($0, 2) + "x" } ?? "—", ms(r.inferMsMedian),
                    rate(r.sequencesPerS), rate(r.tokensPerS), Table.format(r.gflopsPerS, 1),
                    r.fractionOfPeak.map { Table.format($0 * 100, 0) + "%" } ?? "—", Table.bytes(UInt64(r.peakBytes)),
                    r.firstLoss.map { Table.format($0, 5) } ?? "—"]
        }
        return Table.render(header: header, rows: rows)
    }

    static func phases(_ records: [BenchmarkRecord]) -> String {
        var names: [String] = []
        for record in records { for phase in record.phases ?? [] where !names.contains(phase.phase) { names.append(phase.phase) } }
        let header = ["preset", "device"] + names + ["sum", "step (timed)"]
        let rows = records.map { r -> [String] in
            let byName = Dictionary((r.phases ?? []).map { ($0.phase, $0.ms) }, uniquingKeysWith: +)
            let total = (r.phases ?? []).reduce(0) { $0 + $1.ms }
            return [r.preset, r.device] + names.map { byName[$0].map(ms) ?? "—" } + [ms(total), ms(r.trainMsMedian)]
        }
        return Table.render(header: header, rows: rows)
    }

    static func peers(_ peers: [PeerRecord], recur: [BenchmarkRecord]) -> String {
        let devices = recur.map(\.device).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let header = ["preset", "peer", "version", "threads", "train ms", "infer ms", "first loss"] + devices.map { "Recur \($0) speed-up" }
        let rows = peers.map { p -> [String] in
            guard p.available else { return [p.preset, p.framework, "unavailable", "", "", "", ""] + devices.map { _ in "—" } }
            return [p.preset, p.framework, p.frameworkVersion ?? "?", p.threads.map(String.init) ?? "?",
                    p.trainMsMedian.map(ms) ?? "—", p.inferMsMedian.map(ms) ?? "—", p.firstLoss.map { Table.format($0, 5) } ?? "—"]
                + devices.map { d in p.speedUps?[d].map { Table.format($0, 2) + "x" } ?? "—" }
        }
        // Reasons are sentences: below the table, so they do not widen its columns.
        let reasons = peers.filter { !$0.available }.map { "\($0.preset) in \($0.framework): \($0.reason ?? "no reason given")" }
        return ([Table.render(header: header, rows: rows)] + reasons).joined(separator: "\n")
    }

    static func sweeps(_ records: [BenchmarkRecord]) -> String {
        let header = ["sweep", "cell", "T", "B", "H", "device", "train ms/step", "infer ms", "tokens/s", "GFLOP/s", "of peak", "memory"]
        let rows = records.map { r -> [String] in
            let hidden = r.preset.split(separator: " ").last.map { String($0.dropFirst(2)) } ?? "?"
            return [r.sweep ?? "", r.cell ?? "", String(r.time), String(r.batch), hidden, r.device, ms(r.trainMsMedian),
                    ms(r.inferMsMedian), rate(r.tokensPerS), Table.format(r.gflopsPerS, 1),
                    r.fractionOfPeak.map { Table.format($0 * 100, 0) + "%" } ?? "—", Table.bytes(UInt64(r.peakBytes))]
        }
        return Table.render(header: header, rows: rows)
    }

    static func comparison(_ rows: [ComparisonRow]) -> String {
        Table.render(header: ["configuration", "device", "train ms before", "after", "change", "infer ms before", "after", "change"],
                     rows: rows.map { r in
                         [r.preset, r.device, r.oldTrainMs.map(ms) ?? "—", r.newTrainMs.map(ms) ?? "—", BenchmarkComparison.percent(r.trainChange),
                          r.oldInferMs.map(ms) ?? "—", r.newInferMs.map(ms) ?? "—", BenchmarkComparison.percent(r.inferChange)]
                     })
    }
}
