// The data-pipeline benchmark: read the IMDB archive, fit the tokenizer on the 25,000 training
// reviews, turn all 50,000 into sequences and pad them, timed by phase; median of the runs.
//   swift run -c release data-pipeline-benchmark [path/to/aclImdb_v1.tar.gz] [--runs N] [--json FILE]
import Foundation
import Recur

let arguments = CommandLine.arguments.dropFirst()
var path = "../shared/data/imdb/aclImdb_v1.tar.gz"
var runs = 5
var jsonPath: String?
var iterator = arguments.makeIterator()
while let argument = iterator.next() {
    switch argument {
    case "--runs": runs = Int(iterator.next() ?? "") ?? runs
    case "--json": jsonPath = iterator.next()
    default: path = argument
    }
}
guard FileManager.default.fileExists(atPath: path) else {
    FileHandle.standardError.write(Data("data-pipeline-benchmark: no IMDB archive at \(path) (pass its path; it lives in ../shared/data/imdb)\n".utf8))
    exit(2)
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

var phases: [String: [Double]] = [:]
for run in 1...runs {
    var data: IMDBReader.Dataset!
    var tokenizer = Tokenizer(.init(numWords: 10_000))
    var sequences: [[Int32]] = []
    let read = try seconds { data = try IMDBReader.read(path) }
    let texts = data.train.map(\.text) + data.test.map(\.text)
    let fit = seconds { tokenizer.fit(on: Array(texts[..<data.train.count])) }
    let tokenize = seconds { sequences = tokenizer.sequences(for: texts) }
    let pad = seconds { _ = padSequences(sequences, maxlen: 500) }
    for (name, value) in [("read archive", read), ("fit tokenizer (25,000)", fit), ("texts to sequences (50,000)", tokenize),
                          ("pad to 500", pad), ("total", read + fit + tokenize + pad)] {
        phases[name, default: []].append(value)
    }
    print("run \(run)/\(runs): \(String(format: "%.2f", read + fit + tokenize + pad)) s")
}

let order = ["read archive", "fit tokenizer (25,000)", "texts to sequences (50,000)", "pad to 500", "total"]
let cores = ProcessInfo.processInfo.activeProcessorCount
print("\nIMDB data pipeline, \(runs) runs, \(cores) cores (goal: total under 5 s on 2 cores)")
for name in order {
    let sorted = phases[name]!.sorted()
    print(name.padding(toLength: 30, withPad: " ", startingAt: 0),
          String(format: "median %6.3f s   min %6.3f s   max %6.3f s", sorted[sorted.count / 2], sorted.first!, sorted.last!))
}
if let jsonPath {
    let object: [String: Any] = ["benchmark": "data-pipeline", "cores": cores, "runs": runs, "archive": path,
                                 "phases_s": phases.mapValues { $0.sorted() }]
    try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]).write(to: URL(fileURLWithPath: jsonPath))
}
