"""Documentation text -> OpenAPI. (Being written; see issue 4.)"""
