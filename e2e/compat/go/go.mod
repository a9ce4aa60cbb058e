module modelkv.local/compat/redisai-go

go 1.19

require (
	github.com/RedisAI/redisai-go v1.0.1
	github.com/gomodule/redigo v1.8.2
)

require github.com/google/go-cmp v0.5.2 // indirect
