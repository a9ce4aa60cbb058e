// Drives redisai-go v1.0.1, unchanged from the Go module proxy, through every operation it
// offers against a modelkv server in RedisAI 1.2 mode (it targets RedisAI 1.0, whose replies
// 1.2 keeps), checking each result, and prints one JSON line per operation:
// {"op", "ok", "detail"}.
//
//	redisai-go-driver redis://127.0.0.1:PORT MODELS_DIR
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"

	"github.com/RedisAI/redisai-go/redisai"
	"github.com/RedisAI/redisai-go/redisai/implementations"
	"github.com/gomodule/redigo/redis"
)

type result struct {
	Op     string `json:"op"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"`
}

var results []result

func check(op string, f func() error) {
	r := result{Op: op, OK: true}
	if err := f(); err != nil {
		r.OK = false
		r.Detail = err.Error()
	}
	results = append(results, r)
}

func expect(what string, got, want interface{}) error {
	if !reflect.DeepEqual(got, want) {
		return fmt.Errorf("%s: got %v, want %v", what, got, want)
	}
	return nil
}

func read(dir, name string) []byte {
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		panic(err)
	}
	return data
}

func main() {
	url, models := os.Args[1], os.Args[2]
	client := redisai.Connect(url, nil)
	defer client.Close()
	tfGraph := read(filepath.Join(models, "tf"), "mul.pb")
	torchModel := read(filepath.Join(models, "torch"), "addtwo.pt")
	onnxModel := read(filepath.Join(models, "onnx"), "tiny_mul.onnx")
	a := []float32{1, 2, 3, 4, 5, 6}
	b := []float32{2, 2, 2, 2, 2, 2}
	product := []float32{2, 4, 6, 8, 10, 12}
	sum := []float32{3, 4, 5, 6, 7, 8}
	shape := []int64{2, 3}

	check("LoadBackend", func() error {
		return client.LoadBackend(redisai.BackendTorch, "packages/backend-torch")
	})
	check("TensorSet (VALUES) + TensorGetValues", func() error {
		if err := client.TensorSet("go:a", redisai.TypeFloat32, shape, a); err != nil {
			return err
		}
		dt, sh, data, err := client.TensorGetValues("go:a")
		if err != nil {
			return err
		}
		if err := expect("dtype", dt, redisai.TypeFloat); err != nil {
			return err
		}
		if err := expect("shape", sh, shape); err != nil {
			return err
		}
		return expect("values", data, a)
	})
	check("TensorSet (BLOB) + TensorGetBlob", func() error {
		blob := []byte{1, 2, 3, 255}
		if err := client.TensorSet("go:u8", redisai.TypeUint8, []int64{4}, blob); err != nil {
			return err
		}
		dt, sh, data, err := client.TensorGetBlob("go:u8")
		if err != nil {
			return err
		}
		if err := expect("dtype and shape", []interface{}{dt, sh}, []interface{}{redisai.TypeUint8, []int64{4}}); err != nil {
			return err
		}
		return expect("blob", data, blob)
	})
	check("TensorGetMeta", func() error {
		dt, sh, err := client.TensorGetMeta("go:a")
		if err != nil {
			return err
		}
		return expect("meta", []interface{}{dt, sh}, []interface{}{redisai.TypeFloat, shape})
	})
	check("TensorGet", func() error {
		data, err := client.TensorGet("go:a", redisai.TensorContentTypeValues)
		if err != nil {
			return err
		}
		return expect("reply", data, []interface{}{redisai.TypeFloat, shape, a})
	})
	check("TensorSetFromTensor + TensorGetToTensor", func() error {
		t := implementations.NewAiTensor()
		t.SetShape([]int64{3})
		t.SetData([]int32{7, -8, 9})
		if err := client.TensorSetFromTensor("go:i32", t); err != nil {
			return err
		}
		back := implementations.NewAiTensor()
		if err := client.TensorGetToTensor("go:i32", redisai.TensorContentTypeValues, back); err != nil {
			return err
		}
		return expect("tensor", []interface{}{back.Shape(), back.Data()}, []interface{}{[]int64{3}, []int{7, -8, 9}})
	})
	check("ModelSet (TF) + ModelRun", func() error {
		if err := client.TensorSet("go:b", redisai.TypeFloat32, shape, b); err != nil {
			return err
		}
		if err := client.ModelSet("go:tf", redisai.BackendTF, redisai.DeviceCPU, tfGraph, []string{"a", "b"}, []string{"c"}); err != nil {
			return err
		}
		if err := client.ModelRun("go:tf", []string{"go:a", "go:b"}, []string{"go:c"}); err != nil {
			return err
		}
		_, _, data, err := client.TensorGetValues("go:c")
		if err != nil {
			return err
		}
		return expect("product", data, product)
	})
	check("ModelSet (TORCH) + ModelRun", func() error {
		if err := client.ModelSet("go:torch", redisai.BackendTorch, redisai.DeviceCPU, torchModel, nil, nil); err != nil {
			return err
		}
		if err := client.ModelRun("go:torch", []string{"go:a", "go:b"}, []string{"go:s"}); err != nil {
			return err
		}
		_, _, data, err := client.TensorGetValues("go:s")
		if err != nil {
			return err
		}
		return expect("sum", data, sum)
	})
	// redisai-go's BackendONNX constant is "ORT", which RedisAI never accepted: a bug of the
	// client. The same model stored under the name RedisAI knows shows the server's side works.
	check("ModelSet (BackendONNX constant: sends ORT, a client bug)", func() error {
		return client.ModelSet("go:ort", redisai.BackendONNX, redisai.DeviceCPU, onnxModel, nil, nil)
	})
	check("ModelSet (ONNX by name) + ModelRun", func() error {
		if err := client.ModelSet("go:onnx", "ONNX", redisai.DeviceCPU, onnxModel, nil, nil); err != nil {
			return err
		}
		if err := client.ModelRun("go:onnx", []string{"go:a", "go:b"}, []string{"go:p"}); err != nil {
			return err
		}
		_, _, data, err := client.TensorGetValues("go:p")
		if err != nil {
			return err
		}
		return expect("product", data, product)
	})
	check("ModelSetFromModel + ModelGetToModel", func() error {
		m := implementations.NewModel(redisai.BackendTF, redisai.DeviceCPU)
		m.SetTag("mul:v1")
		m.SetInputs([]string{"a", "b"})
		m.SetOutputs([]string{"c"})
		m.SetBlob(tfGraph)
		if err := client.ModelSetFromModel("go:tf2", m); err != nil {
			return err
		}
		back := implementations.NewEmptyModel()
		if err := client.ModelGetToModel("go:tf2", back); err != nil {
			return err
		}
		if !bytes.Equal(back.Blob(), tfGraph) {
			return fmt.Errorf("blob differs")
		}
		return expect("model", []string{back.Backend(), back.Device(), back.Tag()}, []string{"TF", "CPU", "mul:v1"})
	})
	check("ModelGet", func() error {
		data, err := client.ModelGet("go:tf2")
		if err != nil {
			return err
		}
		if !bytes.Equal(data[3].([]byte), tfGraph) {
			return fmt.Errorf("blob differs")
		}
		return expect("backend, device, tag", data[:3], []interface{}{"TF", "CPU", "mul:v1"})
	})
	check("ModelDel", func() error {
		if err := client.ModelDel("go:tf2"); err != nil {
			return err
		}
		if _, err := client.ModelGet("go:tf2"); err == nil {
			return fmt.Errorf("the model is still there")
		}
		return nil
	})
	script := "def addtwo(a, b):\n    return a + b\n"
	check("ScriptSet + ScriptRun", func() error {
		if err := client.ScriptSet("go:script", redisai.DeviceCPU, script); err != nil {
			return err
		}
		if err := client.ScriptRun("go:script", "addtwo", []string{"go:a", "go:b"}, []string{"go:ss"}); err != nil {
			return err
		}
		_, _, data, err := client.TensorGetValues("go:ss")
		if err != nil {
			return err
		}
		return expect("sum", data, sum)
	})
	check("ScriptSetWithTag + ScriptGet", func() error {
		if err := client.ScriptSetWithTag("go:tagged", redisai.DeviceCPU, script, "s:v1"); err != nil {
			return err
		}
		data, err := client.ScriptGet("go:tagged")
		if err != nil {
			return err
		}
		return expect("script", data, map[string]string{"device": "CPU", "tag": "s:v1", "source": script})
	})
	check("ScriptDel", func() error {
		if err := client.ScriptDel("go:tagged"); err != nil {
			return err
		}
		if _, err := client.ScriptGet("go:tagged"); err == nil {
			return fmt.Errorf("the script is still there")
		}
		return nil
	})
	check("Info + ResetStat", func() error {
		info, err := client.Info("go:tf")
		if err != nil {
			return err
		}
		if err := expect("info", []string{info["key"], info["type"], info["backend"], info["device"], info["calls"], info["errors"]},
			[]string{"go:tf", "MODEL", "TF", "CPU", "1", "0"}); err != nil {
			return err
		}
		if ok, err := client.ResetStat("go:tf"); err != nil || ok != "OK" {
			return fmt.Errorf("ResetStat: %v %v", ok, err)
		}
		info, err = client.Info("go:tf")
		if err != nil {
			return err
		}
		return expect("calls after reset", info["calls"], "0")
	})
	check("DagRun", func() error {
		dag := redisai.NewDag().
			TensorSet("x", redisai.TypeFloat32, shape, b).
			ModelRun("go:tf", []string{"go:a", "x"}, []string{"go:dag"}).
			TensorGet("go:dag", redisai.TensorContentTypeBlob)
		replies, err := client.DagRun([]string{"go:a"}, []string{"go:dag"}, dag)
		if err != nil {
			return err
		}
		if len(replies) != 3 || replies[0] != "OK" || replies[1] != "OK" {
			return fmt.Errorf("replies %v", replies)
		}
		_, _, data, err := client.TensorGetValues("go:dag")
		if err != nil {
			return err
		}
		return expect("persisted product", data, product)
	})
	check("DagRunRO", func() error {
		dag := redisai.NewDag().TensorGet("go:a", redisai.TensorContentTypeValues)
		replies, err := client.DagRunRO([]string{"go:a"}, dag)
		if err != nil {
			return err
		}
		values, err := redis.Strings(replies[0], nil)
		if err != nil {
			return err
		}
		return expect("values", values, []string{"1", "2", "3", "4", "5", "6"})
	})
	check("Pipeline (TensorSet x3, Flush, Receive, DisablePipeline)", func() error {
		client.Pipeline(0)
		for i := 0; i < 3; i++ {
			if err := client.TensorSet(fmt.Sprintf("go:pipe%d", i), redisai.TypeInt32, []int64{1}, []int32{int32(i)}); err != nil {
				return err
			}
		}
		if err := client.Flush(); err != nil {
			return err
		}
		for i := 0; i < 3; i++ {
			reply, err := client.Receive()
			if err != nil {
				return err
			}
			if s, _ := redis.String(reply, nil); s != "OK" {
				return fmt.Errorf("reply %d: %v", i, reply)
			}
		}
		if err := client.DisablePipeline(); err != nil {
			return err
		}
		_, _, data, err := client.TensorGetValues("go:pipe2")
		if err != nil {
			return err
		}
		return expect("pipelined tensor", data, []int{2})
	})
	for _, r := range results {
		line, _ := json.Marshal(r)
		fmt.Println(string(line))
	}
}
