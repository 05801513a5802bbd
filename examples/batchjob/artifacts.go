package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"

	"github.com/esper-platform/obskit/objstore"
)

// artifact is one file a step produced.
type artifact struct {
	Key    string `json:"key"`
	Size   int    `json:"size"`
	SHA256 string `json:"sha256"`
	data   []byte
}

// stepResult is the JSON result artifact of a step.
type stepResult struct {
	Step       string  `json:"step"`
	Iterations int     `json:"iterations"`
	NsPerOp    float64 `json:"nsPerOp"`
}

// manifest lists a run's artifacts; it is uploaded with them.
type manifest struct {
	RunID     string     `json:"runId"`
	Steps     int        `json:"steps"`
	Artifacts []artifact `json:"artifacts"`
}

func newArtifact(key string, data []byte) artifact {
	sum := sha256.Sum256(data)
	return artifact{Key: key, Size: len(data), SHA256: hex.EncodeToString(sum[:]), data: data}
}

// stepArtifacts returns what step n (from 1) produces under prefix: a JSON result of the
// simulated benchmark and count-1 binary blobs of up to maxSize bytes.
func stepArtifacts(rng *rand.Rand, prefix string, n int, name string, iterations int, nsPerOp float64, count, maxSize int) ([]artifact, error) {
	result, err := json.MarshalIndent(stepResult{Step: name, Iterations: iterations, NsPerOp: nsPerOp}, "", "  ")
	if err != nil {
		return nil, err
	}
	out := []artifact{newArtifact(fmt.Sprintf("%sstep-%02d/result.json", prefix, n), result)}
	for i := 1; i < count; i++ {
		data := make([]byte, 1+rng.IntN(maxSize))
		for j := range data {
			data[j] = byte(rng.Uint32())
		}
		out = append(out, newArtifact(fmt.Sprintf("%sstep-%02d/blob-%02d.bin", prefix, n, i), data))
	}
	return out, nil
}

// uploadItems returns the artifacts and, last, the manifest listing them, as UploadMany items.
func uploadItems(runID, prefix string, steps int, arts []artifact) ([]objstore.UploadItem, error) {
	m, err := json.MarshalIndent(manifest{RunID: runID, Steps: steps, Artifacts: arts}, "", "  ")
	if err != nil {
		return nil, err
	}
	items := make([]objstore.UploadItem, 0, len(arts)+1)
	for _, a := range arts {
		items = append(items, objstore.BytesItem(a.Key, a.data))
	}
	return append(items, objstore.BytesItem(prefix+"manifest.json", m)), nil
}
