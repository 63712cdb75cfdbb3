plan -no-color -var which=e
